/**
 * Decompress once, flash many: next to a cached compressed image keep its decompressed copy as a
 * sparse file, plus the allocation map (image-map's mapImage: the ranges a flash must write) as
 * JSON. Later flashes read only those ranges of the raw copy instead of decoding the whole image.
 * Built under a per-entry lock into `.part` names and renamed into place before the index names
 * them, so a crash leaves only leftovers that prune removes.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FiotError } from '../../../shared/errors';
import type { CacheEntry } from '../../../shared/domain/images';
import { inspectSource, openDecodedStream } from '../flash/source';
import type { ImageCache } from './cache/image-cache';
import { dataDigest } from './data-digest';
import { withLock } from './cache/lock-file';
import { writeSparse } from './sparse/sparse-writer';

export interface ByteRange {
  offset: number;
  length: number;
}

/** image-map's mapImage, handed in: reads the image and says which bytes must be written. */
export type MapImage = (read: (offset: number, length: number) => Promise<Buffer>, size: number) => Promise<{ dataRanges: ByteRange[]; dataBytes: number }>;

export interface ImageMapFile {
  version: 1;
  size: number;
  dataBytes: number;
  dataRanges: ByteRange[];
}

export interface RawCopyEvents {
  signal?: AbortSignal;
  onPhase?: (phase: 'decompressing' | 'mapping') => void;
  onBytes?: (bytes: number, total: number | null) => void;
}

/**
 * The entry with its sparse raw copy, map and data digest made (no-op when they exist). A copy made
 * before digests were recorded is made again: it could not be checked when flashed.
 */
export async function ensureRawCopy(cache: ImageCache, entry: CacheEntry, mapImage: MapImage, events: RawCopyEvents = {}): Promise<CacheEntry> {
  if (entry.raw?.dataSha256) return entry;
  return withLock(path.join(cache.abs(cache.entryDir(entry.sha256)), 'raw-copy.lock'), async () => {
    const current = await cache.find(entry.sha256);
    if (!current) throw new FiotError('NOT_FOUND', `${entry.name} was removed from the cache.`);
    if (current.raw?.dataSha256) return current;
    const source = await inspectSource(cache.abs(current.file));
    const rawName = rawNameOf(current.name);
    // A compressed file published under a raw-looking name must not be overwritten by its own copy.
    const rawFile = path.join(cache.entryDir(current.sha256), rawName === path.basename(current.file) ? `decompressed-${rawName}` : rawName);
    const mapFile = path.join(cache.entryDir(current.sha256), 'allocation-map.json');
    let rawPath = cache.abs(rawFile);
    let size = source.size ?? 0;
    if (source.format !== 'raw') {
      events.onPhase?.('decompressing');
      size = await decompressSparse(source, `${rawPath}.part`, events);
      await fs.rename(`${rawPath}.part`, rawPath);
    } else {
      // Already raw: the downloaded file is the copy; only the map is added.
      rawPath = cache.abs(current.file);
    }
    events.onPhase?.('mapping');
    const map = await mapFileOf(rawPath, size, mapImage);
    await fs.writeFile(`${cache.abs(mapFile)}.part`, JSON.stringify(map));
    await fs.rename(`${cache.abs(mapFile)}.part`, cache.abs(mapFile));
    // Recorded now, while the copy is fresh from a verified download: every flash is held to it.
    const dataSha256 = await dataDigest(rawPath, map.dataRanges, events.signal);
    return cache.update(current.sha256, (e) => {
      e.raw = { file: source.format === 'raw' ? current.file : rawFile, size, mapFile, dataBytes: map.dataBytes, dataSha256 };
    });
  }, { signal: events.signal });
}

/** `Fedora-IoT-raw-42-….raw.xz` → `Fedora-IoT-raw-42-….raw`; a name without a disk-image extension gains `.raw`. */
function rawNameOf(name: string): string {
  const plain = path.basename(name).replace(/\.(xz|gz|bz2|zst|zip)$/i, '');
  return /\.(raw|img|iso)$/i.test(plain) ? plain : `${plain}.raw`;
}

async function decompressSparse(source: Awaited<ReturnType<typeof inspectSource>>, target: string, events: RawCopyEvents): Promise<number> {
  const decoded = await openDecodedStream(source);
  try {
    const [written] = await Promise.all([
      writeSparse(decoded.stream, target, (bytes) => events.onBytes?.(bytes, source.size), events.signal),
      decoded.finished,
    ]);
    if (source.size !== null && written.size !== source.size) {
      throw new FiotError('SOURCE_CORRUPT', `${source.path} decompressed to ${written.size} bytes, but its index says ${source.size}.`);
    }
    return written.size;
  } catch (error) {
    decoded.close();
    await fs.rm(target, { force: true });
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new FiotError('DISK_FULL', `There is no room in the cache folder for the decompressed copy of ${path.basename(source.path)}.`);
    }
    throw error;
  }
}

async function mapFileOf(rawPath: string, size: number, mapImage: MapImage): Promise<ImageMapFile> {
  const handle = await fs.open(rawPath, 'r');
  try {
    const read = async (offset: number, length: number) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    };
    const { dataRanges, dataBytes } = await mapImage(read, size);
    return { version: 1, size, dataBytes, dataRanges: dataRanges.map(({ offset, length }) => ({ offset, length })) };
  } finally {
    await handle.close();
  }
}

export async function readMapFile(cache: ImageCache, entry: CacheEntry): Promise<ImageMapFile | null> {
  if (!entry.raw) return null;
  try {
    return JSON.parse(await fs.readFile(cache.abs(entry.raw.mapFile), 'utf8')) as ImageMapFile;
  } catch {
    return null;
  }
}
