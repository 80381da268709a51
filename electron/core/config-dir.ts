/**
 * The settings folder holds what the app trusts (the flash history it appends to, saved profiles,
 * the hostname series, a station's certificate), and the app may run as root. Another user who can
 * write that folder could plant a link where the app writes next (history.jsonl pointing at
 * /etc/shadow) or swap a file between a check and its use, so such a folder is refused before any
 * command runs: it must belong to the user (or root) and be writable by them alone. A folder the
 * user's own private group may write (umask 002, usual on Fedora) is accepted; on the way to it, a
 * folder others may write is accepted only with the sticky bit (/tmp), which keeps them from
 * renaming what is not theirs.
 */
import { statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { FiotError } from '../../shared/errors';

const OTHERS_WRITE = 0o002;
const GROUP_WRITE = 0o020;
const STICKY = 0o1000;

function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}

function mode(info: Stats): string {
  return (info.mode & 0o7777).toString(8).padStart(4, '0');
}

/** Why `dir` is not private to this user, or null when it is (or does not exist yet). */
export function configDirProblem(dir: string, uid = process.getuid?.(), gid = process.getgid?.()): string | null {
  if (uid === undefined) return null; // Windows: no POSIX owners or modes to check.
  const info = statOrNull(dir);
  if (info) {
    if (!info.isDirectory()) return `${dir} is not a folder`;
    if (info.uid !== uid && info.uid !== 0) return `${dir} belongs to another user (uid ${info.uid})`;
    if (info.mode & OTHERS_WRITE) return `${dir} can be written by every user (mode ${mode(info)})`;
    if (info.mode & GROUP_WRITE && info.gid !== gid) return `${dir} can be written by the members of group ${info.gid} (mode ${mode(info)})`;
  }
  for (let parent = path.dirname(dir); ; parent = path.dirname(parent)) {
    const above = statOrNull(parent);
    if (above && above.mode & OTHERS_WRITE && !(above.mode & STICKY)) {
      return `${parent}, on the way to ${dir}, can be written by every user (mode ${mode(above)}), who could put another folder in its place`;
    }
    if (path.dirname(parent) === parent) return null;
  }
}

/** Throws CONFIG_UNSAFE when others could change what is in the settings folder. */
export function checkConfigDir(dir: string): string {
  const problem = configDirProblem(path.resolve(dir));
  if (problem) throw new FiotError('CONFIG_UNSAFE', `The settings folder is not private: ${problem}. Nothing was read from it or written to it.`);
  return dir;
}
