/**
 * A small JSON state file in the config folder, changed by read-modify-write under a lock file
 * and replaced by rename, so two processes (the CLI and the station, say) never lose each other's
 * change and a crash never leaves half a file. Read through its schema: a file edited by hand or
 * by another program is refused with the field that is wrong, never used as whatever it holds.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { FiotError } from '../../../shared/errors';
import { withLock } from '../images/cache/lock-file';

function damaged(file: string, why: string): FiotError {
  return new FiotError('CONFIG_DAMAGED', `${file} is damaged (${why}); nothing was changed.`);
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`;
}

export async function readJsonState<T>(file: string, empty: T, schema: z.ZodType<T>): Promise<T> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    // Missing is a fresh start; anything else is refused: a lost counter could hand out names twice.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty;
    throw damaged(file, (error as Error).message);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw damaged(file, (error as Error).message);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw damaged(file, firstIssue(parsed.error));
  return parsed.data;
}

/** Runs `change` on the current state under `<file>.lock` and writes what it returns. */
export async function updateJsonState<T, R>(file: string, empty: T, schema: z.ZodType<T>, change: (state: T) => { state: T; result: R }): Promise<R> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  return withLock(`${file}.lock`, async () => {
    const { state, result } = change(await readJsonState(file, empty, schema));
    // A name nobody can guess, created afresh (O_EXCL): never an existing file or a planted link.
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(schema.parse(state), null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    await fs.rename(tmp, file);
    return result;
  }, { pollMs: 20 });
}
