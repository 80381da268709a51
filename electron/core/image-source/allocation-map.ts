/**
 * Which bytes of each chunk must reach the card. The image map (electron/core/image-map) decides
 * from the partition table and the filesystems' own allocation bitmaps, like bmaptool: only what no
 * filesystem has allocated is skipped. This file adapts its answers to the writer's chunk loop.
 */
import { StreamingAllocationMap } from '../image-map';
import { intersectRuns } from '../image-map/ranges';
import type { ByteRange } from './ranges';

export interface AllocationMap {
  /** Feeds the decoded image in order, so metadata seen early decides later chunks. */
  observe(chunk: Buffer, offset: number): void;
  /** Sorted ranges within [offset, offset+length) that must be written. */
  mustWrite(offset: number, length: number): ByteRange[];
}

/**
 * A decoded stream: metadata is caught as it passes; what it has not described yet is written.
 * The chunk loop refills one buffer (chunks.ts). Until it has read the partition table, the map
 * keeps the chunks it is given, so it gets copies then; afterwards it copies what it needs itself.
 */
export function streamingMap(imageSize: number | null): StreamingMap {
  const map = new StreamingAllocationMap(imageSize);
  let tableRead = false;
  return {
    observe(chunk, offset) {
      map.observe(tableRead ? chunk : Buffer.from(chunk), offset);
      tableRead = map.partitions.length > 0;
    },
    mustWrite: (offset, length) => map.mustWrite(offset, length),
    awaits: (offset) => map.awaits(offset),
  };
}

/** A map filled as the image passes, which can tell whether it still waits for metadata. */
export interface StreamingMap extends AllocationMap {
  /** Whether metadata asked for lies before `offset` and has not been observed yet. */
  awaits(offset: number): boolean;
}

/** Ranges known before writing (a mapped raw file or cached image). */
export function fixedRanges(sorted: ByteRange[]): AllocationMap {
  return {
    observe: () => undefined,
    mustWrite(offset, length) {
      const found: ByteRange[] = [];
      intersectRuns(sorted, offset, offset + length, found);
      return found;
    },
  };
}
