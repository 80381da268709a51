/**
 * A multi-block .xz image read like a raw file: any range is decoded from just the blocks that
 * hold it. Mapping the image (partition table, superblocks, bitmaps, FAT) then costs the few
 * blocks where that metadata lies, and the map picks the blocks worth decoding: those that
 * overlap data. Blocks wholly inside free space are never decoded.
 */
import { open } from 'node:fs/promises';
import type { ByteRange } from '../image-map/types';
import type { SourceInfo } from './inspect';
import { findTool } from '../system-tools';
import { decodeBlocksToBuffers } from './xz-blocks';
import { readXzBlocks, type XzBlock } from './xz-index';

/** Larger blocks (xz -9 -T0 cuts 192 MiB) would make each metadata read decode too much. */
const MAX_BLOCK_BYTES = 16 << 20;
/** Decoded blocks kept for the metadata reads, which come in clusters (flex_bg packs bitmaps). */
const CACHE_BYTES = 32 << 20;
/** Writes go to cards on 4 KiB boundaries: every block but the last must start on one. */
const ALIGN = 4096;

export interface XzRandomAccess {
  file: string;
  size: number;
  blocks: XzBlock[];
  /** The image's bytes at [offset, offset + length), clipped to the image. */
  read(offset: number, length: number): Promise<Buffer>;
  /** The blocks overlapping any of the sorted ranges, in order. */
  blocksFor(ranges: ByteRange[]): XzBlock[];
  /** Blocks decoded so far by `read`. */
  readonly metadataBlocks: number;
}

/** Index of the block holding image offset `at` (blocks sorted and contiguous). */
function blockAt(blocks: XzBlock[], at: number): number {
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (blocks[mid]!.imageOffset <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Blocks whose span meets a sorted range list; both walk forwards once. */
function overlapping(blocks: XzBlock[], ranges: ByteRange[]): XzBlock[] {
  const chosen: XzBlock[] = [];
  let r = 0;
  for (const block of blocks) {
    const end = block.imageOffset + block.imageSize;
    while (r < ranges.length && ranges[r]!.offset + ranges[r]!.length <= block.imageOffset) r++;
    const range = ranges[r];
    if (!range) break;
    if (range.offset < end && block.imageSize > 0) chosen.push(block);
  }
  return chosen;
}

/**
 * Whether an image may be decoded block by block: more than one block (a single block is decoded
 * as a stream), none too large, and every block but the last on the 4 KiB grid the cards are written in.
 */
export function blocksAllowRandomAccess(blocks: XzBlock[]): boolean {
  if (blocks.length < 2) return false;
  return !blocks.some((b, i) => b.imageSize > MAX_BLOCK_BYTES || (i < blocks.length - 1 && b.imageSize % ALIGN !== 0));
}

/**
 * Random access to the source, or null when it is not worth it or not possible: not xz, a single
 * block (decoded as a stream), blocks too large or off the 4 KiB grid, or no xz program.
 */
export async function openXzRandomAccess(source: SourceInfo): Promise<XzRandomAccess | null> {
  if (source.format !== 'xz' || !findTool('xz')) return null;
  const handle = await open(source.path, 'r');
  let blocks: XzBlock[];
  try {
    const read = async (offset: number, length: number) => (await handle.read(Buffer.alloc(length), 0, length, offset)).buffer;
    blocks = await readXzBlocks(read, source.fileSize, source.path);
  } finally {
    await handle.close();
  }
  if (!blocksAllowRandomAccess(blocks)) return null;
  const size = blocks.reduce((sum, b) => sum + b.imageSize, 0);
  const cache = new Map<number, Buffer>();
  let cachedBytes = 0;
  let decodedCount = 0;

  async function load(indexes: number[]): Promise<void> {
    const missing = indexes.filter((i) => !cache.has(i));
    if (missing.length === 0) return;
    const buffers = await decodeBlocksToBuffers(source.path, missing.map((i) => blocks[i]!));
    decodedCount += missing.length;
    missing.forEach((index, k) => {
      cache.set(index, buffers[k]!);
      cachedBytes += buffers[k]!.length;
    });
    // Oldest first out, but never what this read needs.
    for (const [index, bytes] of cache) {
      if (cachedBytes <= CACHE_BYTES) break;
      if (indexes.includes(index)) continue;
      cache.delete(index);
      cachedBytes -= bytes.length;
    }
  }

  return {
    file: source.path,
    size,
    blocks,
    get metadataBlocks() {
      return decodedCount;
    },
    async read(offset, length) {
      const end = Math.min(size, offset + length);
      if (end <= offset) return Buffer.alloc(0);
      const first = blockAt(blocks, offset);
      const last = blockAt(blocks, end - 1);
      const indexes = Array.from({ length: last - first + 1 }, (_, k) => first + k);
      await load(indexes);
      const out = Buffer.alloc(end - offset);
      for (const index of indexes) {
        const block = blocks[index]!;
        const bytes = cache.get(index)!;
        const from = Math.max(offset, block.imageOffset);
        const to = Math.min(end, block.imageOffset + block.imageSize);
        bytes.copy(out, from - offset, from - block.imageOffset, to - block.imageOffset);
      }
      return out;
    },
    blocksFor: (ranges) => overlapping(blocks, ranges),
  };
}
