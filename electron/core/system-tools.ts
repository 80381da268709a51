/**
 * Finding the system's programs: decompressors (several times faster than the Node libraries),
 * umount, podman, and pkexec, which is only ever taken from the system folders.
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The only folders a process running as root looks in, and the whole PATH an elevated writer gets:
 * a program found on the user's PATH (~/bin, a project's node_modules/.bin) must never run as root.
 */
export const SYSTEM_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

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

/**
 * A program this process may run, by absolute path: from the fixed system folders when running as
 * root (whatever PATH says), else from the user's PATH like a shell would.
 */
/** A program from the system folders only: what anything that elevates (pkexec) must run. */
export function findSystemTool(name: string): string | null {
  return findOnPath(name, SYSTEM_PATH);
}

/**
 * The program a person named (a bare name, or a path) if it may run as root: a bare name is looked
 * up in the system folders only, and a path must be the very file found there. A program under
 * the user's home (`~/bin/podman`) is the user's to change, so elevating it would hand them root.
 */
export function systemToolNamed(named: string): string | null {
  const found = findSystemTool(path.basename(named));
  if (!named.includes('/')) return found;
  return found !== null && path.resolve(named) === found ? found : null;
}

export function findTool(name: string, root = typeof process.getuid === 'function' && process.getuid() === 0): string | null {
  return findOnPath(name, root ? SYSTEM_PATH : process.env.PATH);
}
