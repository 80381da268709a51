/**
 * A small JSON state file in the config folder, changed by read-modify-write under a lock file
 * and replaced by rename, so two processes (the CLI and the station, say) never lose each other's
 * change and a crash never leaves half a file.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { withLock } from '../images/cache/lock-file';

export async function readJsonState<T>(file: string, empty: T): Promise<T> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (error) {
    // Missing is a fresh start; damaged is refused: a lost counter could hand out names twice.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty;
    throw new Error(`${file} is damaged (${(error as Error).message}); fix or remove it`, { cause: error });
  }
}

/** Runs `change` on the current state under `<file>.lock` and writes what it returns. */
export async function updateJsonState<T, R>(file: string, empty: T, change: (state: T) => { state: T; result: R }): Promise<R> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  return withLock(`${file}.lock`, async () => {
    const { state, result } = change(await readJsonState(file, empty));
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
    await fs.rename(tmp, file);
    return result;
  }, { pollMs: 20 });
}
