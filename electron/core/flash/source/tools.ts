/** Finding the system's decompressors: they decode several times faster than the Node libraries. */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** The absolute path of an executable on PATH, or null. Checked without spawning anything. */
export function findOnPath(name: string, envPath = process.env.PATH ?? ''): string | null {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; keep looking along PATH.
    }
  }
  return null;
}
