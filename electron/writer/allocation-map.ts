/**
 * Which bytes of each chunk must reach the card. The image map (electron/core/image-map) decides
 * from the partition table and the filesystems' own allocation bitmaps, like bmaptool; this file
 * adapts its answers to the writer's chunk loop.
 */
import { rangeEnd, type ByteRange } from './ranges';

export interface AllocationMap {
  /** Feeds the decoded image in order, so metadata seen early decides later chunks. */
  observe(chunk: Buffer, offset: number): void;
  /** Sorted ranges within [offset, offset+length) that must be written. */
  mustWrite(offset: number, length: number): ByteRange[];
}

/** Writes every byte: for images nothing can be learned about. */
export function writeEverything(): AllocationMap {
  return { observe: () => undefined, mustWrite: (offset, length) => [{ offset, length }] };
}

/** Ranges known before writing (a cached image mapped once); chunks are asked about in order. */
export function fixedRanges(sorted: ByteRange[]): AllocationMap {
  let cursor = 0;
  return {
    observe: () => undefined,
    mustWrite(offset, length) {
      const end = offset + length;
      while (cursor < sorted.length && rangeEnd(sorted[cursor]!) <= offset) cursor++;
      const found: ByteRange[] = [];
      for (let i = cursor; i < sorted.length && sorted[i]!.offset < end; i++) {
        const range = sorted[i]!;
        const from = Math.max(range.offset, offset);
        const to = Math.min(rangeEnd(range), end);
        if (to > from) found.push({ offset: from, length: to - from });
      }
      return found;
    },
  };
}
