/**
 * The image cache: content-addressed by the sha256 of the downloaded file, in FIOT_CACHE_DIR.
 *
 *   index.json                     committed entries (cache-index.ts)
 *   objects/<sha256>/<file name>   a downloaded file under its published name, entered by rename
 *                                  only after verification
 *   objects/<sha256>/<name>.raw    its decompressed sparse copy, and allocation-map.json its map,
 *                                  made by the writer on the first verified flash (a local
 *                                  file's copy has only these: the file stays where it is)
 *   downloads/<key>.part           downloads in progress (resumable), <key>.lock their owner
 * Files keep their published names so everything that shows a file (the image step, logs) shows
 * "Fedora-IoT-raw-42-….raw", not a hash.
 *
 * A file becomes visible only when the index names it, and the index names it only after the
 * file was renamed into place: no reader ever sees a half-written entry.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FiotError } from '../../../../shared/errors';
import { isDownloaded, type CacheEntry, type CacheSummary, type DownloadedEntry } from '../../../../shared/domain/images';
import { readIndex, updateIndex } from './cache-index';
import { isLocked } from './lock-file';
import { diskUsage, findEntries } from './entry-files';

/** Leftover files younger than this may belong to a commit in progress in another process. */
export const LEFTOVER_GRACE_MS = 10 * 60 * 1000;

export interface CommitInput {
  partPath: string;
  name: string;
  /** What it was asked for as: the URL, and the catalog reference when there was one. */
  sources: string[];
  verification: CacheEntry['verification'];
  removeAfterWrite?: boolean;
}

/** Free space anything the cache writes must leave on its disk: the cache is a convenience, the disk is the user's. */
export const CACHE_RESERVE_BYTES = 1 << 30;

export class ImageCache {
  readonly objectsDir: string;
  readonly downloadsDir: string;

  constructor(readonly dir: string, readonly limitBytes: number | null = null) {
    this.objectsDir = path.join(dir, 'objects');
    this.downloadsDir = path.join(dir, 'downloads');
  }

  /**
   * The most bytes one more file in `dir` (inside the cache) may take: the disk's free space less
   * the reserve, and no more than the cache's limit (older entries are pruned to fit it).
   */
  async room(dir: string): Promise<number> {
    const disk = await fs.statfs(dir);
    return Math.floor(Math.min(disk.bavail * disk.bsize - CACHE_RESERVE_BYTES, this.limitBytes ?? Infinity));
  }

  abs(relative: string): string {
    return path.join(this.dir, relative);
  }

  async list(): Promise<CacheEntry[]> {
    return readIndex(this.dir);
  }

  async summary(): Promise<CacheSummary> {
    const entries = await this.list();
    return { entries, totalBytes: entries.reduce((sum, e) => sum + e.diskBytes, 0), limitBytes: this.limitBytes, dir: this.dir };
  }

  /** The entry for a sha256, a URL or catalog reference it was fetched as, or its file name. */
  async find(ref: string): Promise<CacheEntry | null> {
    return findEntries(await this.list(), ref)[0] ?? null;
  }

  /** Folder of one entry's files. */
  entryDir(sha256: string): string {
    return path.join('objects', sha256);
  }

  /**
   * Moves a verified download into the cache and indexes it (or adds a source to an existing
   * entry; to the decompressed copy of a local file with the same bytes, the file itself).
   */
  async commit(input: CommitInput): Promise<DownloadedEntry> {
    const { sha256 } = input.verification;
    const file = path.join(this.entryDir(sha256), safeFileName(input.name));
    await fs.mkdir(this.abs(this.entryDir(sha256)), { recursive: true });
    const known = await this.find(sha256);
    // The same bytes already cached under another URL: keep the first copy, drop this one.
    if (known && isDownloaded(known)) await fs.rm(input.partPath, { force: true });
    else await fs.rename(input.partPath, this.abs(file));
    await fs.rm(`${input.partPath}.json`, { force: true });
    const now = new Date().toISOString();
    const entry = await updateIndex(this.dir, async (entries): Promise<DownloadedEntry> => {
      const existing = entries.find((e) => e.sha256 === sha256);
      if (existing) {
        for (const source of input.sources) if (!existing.sources.includes(source)) existing.sources.push(source);
        existing.lastUsedAt = now;
        if (!isDownloaded(existing)) {
          // A local file's copy gains the verified download, and with it the download's verification.
          Object.assign(existing, { file, verification: input.verification });
          existing.diskBytes = await diskUsage(this.dir, existing);
        }
        return existing as DownloadedEntry;
      }
      const { size } = await fs.stat(this.abs(file));
      const added: DownloadedEntry = {
        sha256, name: input.name, file, size, sources: [...new Set(input.sources)], addedAt: now, lastUsedAt: now,
        verification: input.verification, raw: null, diskBytes: 0, removeAfterWrite: input.removeAfterWrite ?? false,
      };
      added.diskBytes = await diskUsage(this.dir, added);
      entries.push(added);
      return added;
    });
    await this.prune(this.limitBytes, [sha256]);
    return entry;
  }

  /**
   * Indexes a decompressed copy the writer made while an image was flashed (its files already
   * renamed into the entry's folder): the copy of a downloaded entry, or for a local file a new
   * entry without a downloaded file. Then prunes to the limit, keeping this one.
   */
  async commitRawCopy(input: { sha256: string; name: string; size: number; raw: NonNullable<CacheEntry['raw']> }): Promise<CacheEntry> {
    const now = new Date().toISOString();
    const entry = await updateIndex(this.dir, async (entries) => {
      let entry = entries.find((e) => e.sha256 === input.sha256);
      if (!entry) {
        entry = {
          sha256: input.sha256, name: input.name, file: null, size: input.size, sources: [], addedAt: now, lastUsedAt: now, raw: null, diskBytes: 0, removeAfterWrite: false,
          verification: { sha256: input.sha256, checksum: 'none', signature: null, signatureSkipped: false, notes: ['Decompressed while a local file with these bytes was flashed.'] },
        };
        entries.push(entry);
      }
      entry.raw = input.raw;
      entry.lastUsedAt = now;
      entry.diskBytes = await diskUsage(this.dir, entry);
      return entry;
    });
    await this.prune(this.limitBytes, [input.sha256]);
    return entry;
  }

  /** Applies a change to one entry under the index lock; returns the entry as stored. */
  async update(sha256: string, change: (entry: CacheEntry) => void | Promise<void>): Promise<CacheEntry> {
    return updateIndex(this.dir, async (entries) => {
      const entry = entries.find((e) => e.sha256 === sha256);
      if (!entry) throw new FiotError('NOT_FOUND', `Image ${sha256.slice(0, 12)} is no longer in the cache.`);
      await change(entry);
      entry.diskBytes = await diskUsage(this.dir, entry);
      return entry;
    });
  }

  /** Marks an entry used now, so LRU pruning keeps it. */
  async touch(sha256: string): Promise<void> {
    await this.update(sha256, (entry) => {
      entry.lastUsedAt = new Date().toISOString();
    }).catch(() => undefined);
  }

  async remove(ref: string): Promise<CacheEntry[]> {
    const removed = await updateIndex(this.dir, (entries) => {
      const matches = findEntries(entries, ref);
      for (const match of matches) entries.splice(entries.indexOf(match), 1);
      return matches;
    });
    if (removed.length === 0) throw new FiotError('NOT_FOUND', `No cached image matches “${ref}”.`, 'Run fiot-flash cache ls to see what is cached.');
    await this.deleteFiles(removed);
    return removed;
  }

  /**
   * Removes least recently used entries until the cache fits `limitBytes` (null: no limit), never
   * those in `keep`; then deletes leftovers no entry names (crashed commits, abandoned downloads).
   */
  async prune(limitBytes: number | null, keep: string[] = []): Promise<{ removed: CacheEntry[]; freedBytes: number }> {
    const removed = await updateIndex(this.dir, (entries) => {
      const evicted: CacheEntry[] = [];
      if (limitBytes === null) return evicted;
      let total = entries.reduce((sum, e) => sum + e.diskBytes, 0);
      const byAge = [...entries].sort((a, b) => a.lastUsedAt.localeCompare(b.lastUsedAt));
      for (const entry of byAge) {
        if (total <= limitBytes) break;
        if (keep.includes(entry.sha256)) continue;
        entries.splice(entries.indexOf(entry), 1);
        evicted.push(entry);
        total -= entry.diskBytes;
      }
      return evicted;
    });
    await this.deleteFiles(removed);
    const leftoverBytes = await this.removeLeftovers();
    return { removed, freedBytes: removed.reduce((sum, e) => sum + e.diskBytes, 0) + leftoverBytes };
  }

  private async deleteFiles(entries: CacheEntry[]): Promise<void> {
    for (const entry of entries) await fs.rm(this.abs(this.entryDir(entry.sha256)), { recursive: true, force: true });
  }

  /** Entry folders no index entry names, and downloads no live process owns; returns bytes freed. */
  private async removeLeftovers(): Promise<number> {
    const indexed = new Set((await this.list()).map((e) => e.sha256));
    let freed = 0;
    const now = Date.now();
    const stale = async (full: string) => {
      const stat = await fs.stat(full).catch(() => null);
      return stat && now - stat.mtimeMs >= LEFTOVER_GRACE_MS ? stat : null;
    };
    for (const name of await fs.readdir(this.objectsDir).catch(() => [] as string[])) {
      const full = path.join(this.objectsDir, name);
      if (indexed.has(name) || !(await stale(full))) continue;
      freed += await allocatedBytes(full);
      await fs.rm(full, { recursive: true, force: true });
    }
    for (const name of await fs.readdir(this.downloadsDir).catch(() => [] as string[])) {
      const full = path.join(this.downloadsDir, name);
      if (name.endsWith('.lock')) continue;
      const stat = await stale(full);
      if (!stat) continue;
      const key = name.replace(/\.part(\.json)?$/, '');
      if (await isLocked(path.join(this.downloadsDir, `${key}.lock`))) continue;
      await fs.rm(full, { force: true });
      freed += stat.blocks * 512;
    }
    return freed;
  }
}

async function allocatedBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const stat = await fs.stat(path.join(dir, name)).catch(() => null);
    if (stat) total += stat.blocks * 512;
  }
  return total;
}

/** A published name as a plain file name (no folders, nothing hidden). */
function safeFileName(name: string): string {
  const base = path.basename(name).replace(/[^\w.+-]/g, '_').replace(/^\.+/, '');
  return base || 'image';
}
