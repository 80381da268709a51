/**
 * Decompress once, flash many: next to a cached compressed image keep its decompressed copy as a
 * sparse file, plus the allocation map (image-map's mapImage: the ranges a flash must write) as
 * JSON. Later flashes read only those ranges of the raw copy instead of decoding the whole image.
 * A multi-block .xz is mapped first and only its blocks holding data are decoded into the copy.
 * Built under a per-entry lock into `.part` names and renamed into place before the index names
 * them, so a crash leaves only leftovers that prune removes.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FiotError } from '../../../shared/errors';
import { isDownloaded, type CacheEntry, type DownloadedEntry } from '../../../shared/domain/images';
import { inspectSource, openDecodedStream } from '../image-source';
import { decodeBlocks, runPlacer } from '../image-source/xz-blocks';
import { openXzRandomAccess, type XzRandomAccess } from '../image-source/xz-random-access';
import type { ImageCache } from './cache/image-cache';
import { dataDigest } from './data-digest';
import { withLock } from './cache/lock-file';
import { writeSparse } from './sparse/sparse-writer';
import { sha256File } from './verify/sha256';

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

/** The cached download's bytes are no longer those it was verified (and signed) as. */
class ChangedSinceVerified extends FiotError {}

/**
 * The entry with its sparse raw copy, map and data digest made (no-op when they exist). A copy made
 * before digests were recorded is made again: it could not be checked when flashed.
 *
 * Every later flash is held to the digest recorded here, so the copy must be made from the very
 * bytes that were verified: the downloaded file is hashed again alongside the decoding (a second
 * read of a file the decoder has just pulled into memory), and a file changed since its download
 * is refused before the copy is kept (CACHE_CORRUPT) and its entry dropped.
 */
export async function ensureRawCopy(cache: ImageCache, entry: DownloadedEntry, mapImage: MapImage, events: RawCopyEvents = {}): Promise<CacheEntry> {
  if (entry.raw?.dataSha256) return entry;
  try {
    return await buildRawCopy(cache, entry, mapImage, events);
  } catch (error) {
    // Dropped once the entry's lock is let go: the next flash downloads the image afresh.
    if (error instanceof ChangedSinceVerified) await cache.remove(entry.sha256).catch(() => []);
    throw error;
  }
}

async function buildRawCopy(cache: ImageCache, entry: DownloadedEntry, mapImage: MapImage, events: RawCopyEvents): Promise<CacheEntry> {
  return withLock(path.join(cache.abs(cache.entryDir(entry.sha256)), 'raw-copy.lock'), async () => {
    const current = await cache.find(entry.sha256);
    if (!current || !isDownloaded(current)) throw new FiotError('NOT_FOUND', `${entry.name} was removed from the cache.`);
    if (current.raw?.dataSha256) return current;
    const hashing = sha256File(cache.abs(current.file), events.signal);
    hashing.catch(() => undefined);
    /** Throws (after removing a half-made copy) unless the downloaded file still has its verified sha256. */
    const stillVerified = async (partPath: string | null) => {
      const actual = await hashing;
      if (actual === current.sha256) return;
      if (partPath) await fs.rm(partPath, { force: true });
      throw new ChangedSinceVerified('CACHE_CORRUPT', `${current.name} in the image cache has sha256 ${actual}, not the ${current.sha256} it was verified with when it was downloaded: it was changed since.`,
        'It was removed from the cache and nothing was written. Flash again, which downloads the image afresh.');
    };
    const make = async (): Promise<CacheEntry> => {
      const source = await inspectSource(cache.abs(current.file));
      const rawName = rawNameOf(current.name);
      // A compressed file published under a raw-looking name must not be overwritten by its own copy.
      const rawFile = path.join(cache.entryDir(current.sha256), rawName === path.basename(current.file) ? `decompressed-${rawName}` : rawName);
      const mapFile = path.join(cache.entryDir(current.sha256), 'allocation-map.json');
      let rawPath = cache.abs(rawFile);
      let size = source.size ?? 0;
      let map: ImageMapFile | null = null;
      const access = await openXzRandomAccess(source);
      if (access) {
        // Mapped first from its metadata blocks, then only the blocks holding data are decoded.
        events.onPhase?.('decompressing');
        map = await decodeMappedBlocks(access, `${rawPath}.part`, mapImage, events);
        await stillVerified(`${rawPath}.part`);
        await fs.rename(`${rawPath}.part`, rawPath);
      } else if (source.format !== 'raw') {
        events.onPhase?.('decompressing');
        size = await decompressSparse(source, `${rawPath}.part`, events);
        await stillVerified(`${rawPath}.part`);
        await fs.rename(`${rawPath}.part`, rawPath);
      } else {
        // Already raw: the downloaded file is the copy; only the map is added.
        rawPath = cache.abs(current.file);
      }
      if (!map) {
        events.onPhase?.('mapping');
        map = await mapFileOf(rawPath, size, mapImage);
      }
      await writeMapFile(cache.abs(mapFile), map);
      // Recorded now, while the copy is fresh from a verified download: every flash is held to it.
      const dataSha256 = await dataDigest(rawPath, map.dataRanges, events.signal);
      // A raw download is its own copy: the digest above is only good if the file is still the verified one.
      await stillVerified(null);
      return cache.update(current.sha256, (e) => {
        e.raw = { file: source.format === 'raw' ? current.file : rawFile, size: map.size, mapFile, dataBytes: map.dataBytes, dataSha256 };
      });
    };
    try {
      return await make();
    } catch (error) {
      // A file that no longer decodes may be one changed since its download: then say that.
      if (!(error instanceof ChangedSinceVerified) && ![null, current.sha256].includes(await hashing.catch(() => null))) await stillVerified(null);
      throw error;
    }
  }, { signal: events.signal });
}

/** `Fedora-IoT-raw-42-….raw.xz` → `Fedora-IoT-raw-42-….raw`; a name without a disk-image extension gains `.raw`. */
export function rawNameOf(name: string): string {
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
    throw await discardPartial(target, source.path, error);
  }
}

/** Removes a half-made copy; says so plainly when the cache's disk is full. */
async function discardPartial(target: string, sourcePath: string, error: unknown): Promise<unknown> {
  await fs.rm(target, { force: true });
  if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
    return new FiotError('DISK_FULL', `There is no room in the cache folder for the decompressed copy of ${path.basename(sourcePath)}.`);
  }
  return error;
}

/** A sparse copy holding the decoded blocks that overlap data (the rest stays holes), and its map. */
async function decodeMappedBlocks(access: XzRandomAccess, target: string, mapImage: MapImage, events: RawCopyEvents): Promise<ImageMapFile> {
  const { dataRanges, dataBytes } = await mapImage(access.read, access.size);
  const decoded = decodeBlocks(access.file, access.blocksFor(dataRanges));
  const total = decoded.runs.reduce((sum, run) => sum + run.length, 0);
  const handle = await fs.open(target, 'w');
  try {
    await handle.truncate(access.size);
    const placer = runPlacer(decoded.runs);
    let done = 0;
    for await (const data of decoded.stream) {
      events.signal?.throwIfAborted();
      for (const piece of placer.place(data as Buffer)) await handle.write(piece.data, 0, piece.data.length, piece.offset);
      done += (data as Buffer).length;
      events.onBytes?.(done, total);
    }
    await decoded.finished;
    placer.end();
  } catch (error) {
    decoded.close();
    await handle.close();
    throw await discardPartial(target, access.file, error);
  }
  await handle.close();
  return mapFileFrom(access.size, { dataRanges, dataBytes });
}

function mapFileFrom(size: number, { dataRanges, dataBytes }: { dataRanges: ByteRange[]; dataBytes: number }): ImageMapFile {
  return { version: 1, size, dataBytes, dataRanges: dataRanges.map(({ offset, length }) => ({ offset, length })) };
}

async function mapFileOf(rawPath: string, size: number, mapImage: MapImage): Promise<ImageMapFile> {
  const handle = await fs.open(rawPath, 'r');
  try {
    const read = async (offset: number, length: number) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    };
    return mapFileFrom(size, await mapImage(read, size));
  } finally {
    await handle.close();
  }
}

/** Written whole or not at all: a reader never sees half a map. */
export async function writeMapFile(file: string, map: ImageMapFile): Promise<void> {
  await fs.writeFile(`${file}.part`, JSON.stringify(map));
  await fs.rename(`${file}.part`, file);
}

export async function readMapFile(cache: ImageCache, entry: CacheEntry): Promise<ImageMapFile | null> {
  if (!entry.raw) return null;
  try {
    return JSON.parse(await fs.readFile(cache.abs(entry.raw.mapFile), 'utf8')) as ImageMapFile;
  } catch {
    return null;
  }
}
