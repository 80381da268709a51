/** Byte ranges of an image: what the allocation map says must be written, and what was written. */

export interface ByteRange {
  offset: number;
  length: number;
}

export function rangeEnd(range: ByteRange): number {
  return range.offset + range.length;
}

export function totalLength(ranges: ByteRange[]): number {
  return ranges.reduce((sum, range) => sum + range.length, 0);
}

/** Appends a range to a sorted list, joining it to the last one when they touch. */
export function appendRange(ranges: ByteRange[], range: ByteRange): void {
  if (range.length <= 0) return;
  const last = ranges[ranges.length - 1];
  if (last && rangeEnd(last) === range.offset) last.length += range.length;
  else ranges.push({ ...range });
}

/** Sorted, merged copy. */
export function normalizeRanges(ranges: ByteRange[]): ByteRange[] {
  const sorted = ranges.filter((r) => r.length > 0).sort((a, b) => a.offset - b.offset);
  const merged: ByteRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.offset <= rangeEnd(last)) last.length = Math.max(rangeEnd(last), rangeEnd(range)) - last.offset;
    else merged.push({ ...range });
  }
  return merged;
}

/** The parts of sorted `ranges` inside [start, end). */
export function clipRanges(ranges: ByteRange[], start: number, end: number): ByteRange[] {
  const clipped: ByteRange[] = [];
  for (const range of ranges) {
    if (range.offset >= end) break;
    const from = Math.max(range.offset, start);
    const to = Math.min(rangeEnd(range), end);
    if (to > from) clipped.push({ offset: from, length: to - from });
  }
  return clipped;
}

/** Splits ranges into pieces of at most `max` bytes, for bounded reads. */
export function* piecesOf(ranges: ByteRange[], max: number): Generator<ByteRange> {
  for (const range of ranges) {
    for (let offset = range.offset; offset < rangeEnd(range); offset += max) {
      yield { offset, length: Math.min(max, rangeEnd(range) - offset) };
    }
  }
}
