/** Small facts about cache entries shared by the cache and the service: their files, size, lookup. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { CacheEntry } from '../../../../shared/domain/images';

export function entryFiles(entry: CacheEntry): string[] {
  return [...(entry.file === null ? [] : [entry.file]), ...(entry.raw ? [entry.raw.file, entry.raw.mapFile] : [])];
}

/** Bytes allocated on disk (st_blocks): a sparse copy counts only its data. */
export async function diskUsage(dir: string, entry: CacheEntry): Promise<number> {
  let total = 0;
  for (const file of entryFiles(entry)) {
    const stat = await fs.stat(path.join(dir, file)).catch(() => null);
    if (stat) total += stat.blocks * 512;
  }
  return total;
}

/** Entries matching a sha256 (or a prefix of 12+ hex digits), a source (URL, catalog ref) or a file name. */
export function findEntries(entries: CacheEntry[], ref: string): CacheEntry[] {
  const lower = ref.toLowerCase();
  const bySha = /^[0-9a-f]{12,64}$/.test(lower) ? entries.filter((e) => e.sha256.startsWith(lower)) : [];
  if (bySha.length) return bySha;
  return entries.filter((e) => e.sources.includes(ref) || e.name === ref);
}
