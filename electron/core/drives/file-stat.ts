/** stat and lstat that answer null for a name that cannot be looked up (missing, or a file in its path). */
import { lstatSync, statSync, type Stats } from 'node:fs';

export function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}

export function lstatOrNull(file: string): Stats | null {
  try {
    return lstatSync(file);
  } catch {
    return null;
  }
}
