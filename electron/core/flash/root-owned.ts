/**
 * Whether root may run a file: only when nobody but root can change it or swap it out, that is
 * when the file and every folder above it belong to root and are not writable by anyone else. A
 * folder others may write to is accepted only with the sticky bit (/tmp): there nobody else can
 * rename or delete the root-owned entry inside it.
 */
import { lstatSync, readdirSync, realpathSync, type Stats } from 'node:fs';
import path from 'node:path';

const WRITABLE_BY_OTHERS = 0o022;
const STICKY = 0o1000;

function problemWith(entry: string, stats: Stats): string | null {
  if (stats.uid !== 0) return `${entry} belongs to user ${stats.uid}, not root`;
  // A symlink's own mode bits mean nothing (only its owner and folder can change it).
  if (stats.isSymbolicLink() || (stats.mode & WRITABLE_BY_OTHERS) === 0) return null;
  if (stats.isDirectory() && (stats.mode & STICKY) !== 0) return null;
  return `${entry} can be changed by users other than root`;
}

function chainProblem(file: string): string | null {
  for (let entry = file; ; entry = path.dirname(entry)) {
    const problem = problemWith(entry, lstatSync(entry));
    if (problem) return problem;
    if (entry === path.dirname(entry)) return null;
  }
}

/** Why root must not run `file` (a sentence), or null when only root can change it. */
export function notRootOnlyBecause(file: string): string | null {
  if (!path.isAbsolute(file)) return `${file} is not an absolute path`;
  try {
    // The path as named and the file it resolves to: a symlink on the way must be root's too.
    return chainProblem(file) ?? chainProblem(realpathSync(file));
  } catch (error) {
    return `${file} cannot be checked (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
}

/**
 * Why root must not run what lies in `folder` (a sentence), or null: the folder as above, and
 * every file and folder inside it, each link's destination included, only root's to change.
 */
export function treeNotRootOnlyBecause(folder: string): string | null {
  const top = notRootOnlyBecause(folder);
  if (top) return top;
  const pending = [folder];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    let names: string[];
    try {
      names = readdirSync(current);
    } catch (error) {
      return `${current} cannot be checked (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    }
    for (const name of names) {
      const entry = path.join(current, name);
      const stats = lstatSync(entry);
      if (stats.isSymbolicLink()) {
        // Where the link leads, and every folder above that, must be root's too.
        const problem = notRootOnlyBecause(entry);
        if (problem) return problem;
        const target = realpathSync(entry);
        if (lstatSync(target).isDirectory()) pending.push(target);
        continue;
      }
      const problem = problemWith(entry, stats);
      if (problem) return problem;
      if (stats.isDirectory()) pending.push(entry);
    }
  }
  return null;
}
