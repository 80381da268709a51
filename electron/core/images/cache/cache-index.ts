/**
 * The cache's index.json: every committed entry. Read without a lock (renames make every version
 * whole), changed only under index.lock by read-modify-write and an atomic temp-file rename, so a
 * crash or a full disk leaves the previous index in place, never a torn one.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { cacheEntrySchema, type CacheEntry } from '../../../../shared/domain/images';
import { withLock } from './lock-file';

const indexSchema = z.object({ version: z.literal(1), entries: z.array(cacheEntrySchema) });

export async function readIndex(dir: string): Promise<CacheEntry[]> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, 'index.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed = indexSchema.safeParse(JSON.parse(text));
  // An index from a future version or damaged by hand is treated as empty rather than crashing;
  // its files then count as leftovers that prune removes.
  return parsed.success ? parsed.data.entries : [];
}

export async function updateIndex<T>(dir: string, change: (entries: CacheEntry[]) => Promise<T> | T): Promise<T> {
  await fs.mkdir(dir, { recursive: true });
  return withLock(path.join(dir, 'index.lock'), async () => {
    const entries = await readIndex(dir);
    const result = await change(entries);
    const tmp = path.join(dir, `index.json.${process.pid}.tmp`);
    try {
      await fs.writeFile(tmp, JSON.stringify({ version: 1, entries }, null, 1));
      await fs.rename(tmp, path.join(dir, 'index.json'));
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw error;
    }
    return result;
  });
}
