/** Whether pkexec (polkit's "run as administrator") is installed, looked up on PATH. */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export function hasPkexec(searchPath: string = process.env.PATH ?? ''): boolean {
  return searchPath.split(path.delimiter).filter(Boolean).some((dir) => {
    try {
      accessSync(path.join(dir, 'pkexec'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
