/**
 * Byte ranges as the writer walks them. The range type and the set operations come from the
 * image map (electron/core/image-map), which produces them; these are the additions for walking them.
 */
import type { ByteRange } from '../image-map';

export type { ByteRange } from '../image-map';
export { mergeRanges, totalLength } from '../image-map/ranges';

export function rangeEnd(range: ByteRange): number {
  return range.offset + range.length;
}

/** Appends a range to a sorted list, joining it to the last one when they touch. */
export function appendRange(ranges: ByteRange[], range: ByteRange): void {
  if (range.length <= 0) return;
  const last = ranges[ranges.length - 1];
  if (last && rangeEnd(last) === range.offset) last.length += range.length;
  else ranges.push({ ...range });
}

/** Splits ranges into pieces of at most `max` bytes, for bounded reads. */
export function* piecesOf(ranges: ByteRange[], max: number): Generator<ByteRange> {
  for (const range of ranges) {
    for (let offset = range.offset; offset < rangeEnd(range); offset += max) {
      yield { offset, length: Math.min(max, rangeEnd(range) - offset) };
    }
  }
}
