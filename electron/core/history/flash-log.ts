/**
 * The flash history file: configDir/history.jsonl, one JSON object per card written, appended and
 * never rewritten. When it grows past ROTATE_AT_BYTES it becomes history.1.jsonl (replacing the
 * older one), so the log keeps roughly the last 7 000 to 14 000 cards and never grows unbounded.
 *
 * Concurrency: the CLI, the station and the app may finish flashes at the same moment. Each append
 * is ONE write(2) on a descriptor opened with O_APPEND: on a local filesystem Linux (and macOS,
 * Windows with FILE_APPEND_DATA) moves to the end and writes under the inode's lock as one step, so
 * two writers' lines never interleave or overwrite each other. That is not promised on NFS; a line
 * torn there, or by a crash mid-write, is skipped by the reader, and the next append starts on a
 * fresh line so it cannot be glued to the torn one.
 */
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { historyEntrySchema, type HistoryEntry } from '../../../shared/domain/history';
import { FiotError } from '../../../shared/errors';
import { withLock } from '../images/cache/lock-file';

export const HISTORY_FILE = 'history.jsonl';
export const ROTATED_FILE = 'history.1.jsonl';
export const ROTATE_AT_BYTES = 4 * 1024 * 1024;
const APPEND_FLAGS = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

export interface FlashLogOptions {
  rotateAtBytes?: number;
}

/** Appends entries (one job's cards) in a single write. */
export async function appendEntries(configDir: string, entries: HistoryEntry[], options: FlashLogOptions = {}): Promise<void> {
  if (entries.length === 0) return;
  await fs.mkdir(configDir, { recursive: true, mode: 0o700 });
  const file = path.join(configDir, HISTORY_FILE);
  const lines = entries.map((entry) => JSON.stringify(historyEntrySchema.parse(entry)) + '\n').join('');
  // O_APPEND for the write, readable so a torn last line can be seen first, and never through a
  // link: the history may be appended as root, and a link could aim that at any file.
  const handle = await fs.open(file, APPEND_FLAGS, 0o600).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ELOOP') throw error;
    throw new FiotError('CONFIG_UNSAFE', `${file} is a symbolic link, not the history file; nothing was appended to it.`, 'Remove the link; the next flash starts a new history.');
  });
  try {
    const prefix = (await endsMidLine(handle)) ? '\n' : '';
    const bytes = Buffer.from(prefix + lines);
    const { bytesWritten } = await handle.write(bytes, 0, bytes.length);
    // A short write happens only on a full disk; the reader skips the torn line it leaves.
    if (bytesWritten !== bytes.length) throw new Error(`history: wrote ${bytesWritten} of ${bytes.length} bytes to ${file}`);
  } finally {
    await handle.close();
  }
  await rotateIfLarge(configDir, options.rotateAtBytes ?? ROTATE_AT_BYTES);
}

/** True when the file's last byte is not a newline: a line torn by a crash or a full disk. */
async function endsMidLine(handle: fs.FileHandle): Promise<boolean> {
  const { size } = await handle.stat();
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  return last[0] !== 0x0a;
}

async function rotateIfLarge(configDir: string, rotateAtBytes: number): Promise<void> {
  const file = path.join(configDir, HISTORY_FILE);
  if ((await sizeOf(file)) < rotateAtBytes) return;
  // Under a lock and checked again, so two processes crossing the limit together rotate once.
  // A writer that opened the file just before the rename still lands its line in history.1.jsonl.
  await withLock(path.join(configDir, 'history.lock'), async () => {
    if ((await sizeOf(file)) >= rotateAtBytes) await fs.rename(file, path.join(configDir, ROTATED_FILE));
  });
}

async function sizeOf(file: string): Promise<number> {
  return (await fs.stat(file).catch(() => null))?.size ?? 0;
}

/** Parses a history file's text, skipping blank, torn or foreign lines instead of failing on them. */
export function parseEntries(text: string): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = historyEntrySchema.safeParse(value);
    if (parsed.success) entries.push(parsed.data);
  }
  return entries;
}

/** The file's text, never through a link (ELOOP: a planted link is read as no history). */
async function readText(file: string): Promise<string> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP') return '';
    throw error;
  }
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Every recorded card, newest first; at most `limit`. */
export async function readEntries(configDir: string, limit?: number): Promise<HistoryEntry[]> {
  const older = parseEntries(await readText(path.join(configDir, ROTATED_FILE)));
  const newer = parseEntries(await readText(path.join(configDir, HISTORY_FILE)));
  const newestFirst = [...older, ...newer].reverse();
  return limit === undefined ? newestFirst : newestFirst.slice(0, limit);
}
