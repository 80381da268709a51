/**
 * The files of an entry's decompressed copy besides the image itself: its name, and its
 * allocation map (the ranges a flash from the copy writes) as JSON. The writer makes the copy
 * while it flashes (electron/writer/cache-copy.ts); these are what the cache keeps next to it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { CacheEntry } from '../../../../shared/domain/images';
import type { ByteRange } from '../../image-map';
import type { ImageCache } from './image-cache';

export interface ImageMapFile {
  version: 1;
  size: number;
  dataBytes: number;
  dataRanges: ByteRange[];
}

/** `Fedora-IoT-raw-42-….raw.xz` → `Fedora-IoT-raw-42-….raw`; a name without a disk-image extension gains `.raw`. */
export function rawNameOf(name: string): string {
  const plain = path.basename(name).replace(/\.(xz|gz|bz2|zst|zip)$/i, '');
  return /\.(raw|img|iso)$/i.test(plain) ? plain : `${plain}.raw`;
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
