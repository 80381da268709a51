/** Small operations on byte ranges, shared by the partition and filesystem mappers. */
import type { ByteRange } from './types';

/** Write granularity: ranges grow outwards to 4 KiB boundaries, never inwards. */
export const WRITE_UNIT = 4096;

/** Sorted by offset, overlapping and touching ranges joined, empty ranges dropped. */
export function mergeRanges(ranges: ByteRange[]): ByteRange[] {
  const sorted = ranges.filter((r) => r.length > 0).sort((a, b) => a.offset - b.offset);
  const merged: ByteRange[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.offset <= last.offset + last.length) {
      last.length = Math.max(last.length, r.offset + r.length - last.offset);
    } else {
      merged.push({ offset: r.offset, length: r.length });
    }
  }
  return merged;
}

/** Each range grown to WRITE_UNIT boundaries, then clipped to [start, end), merged. */
export function roundOut(ranges: ByteRange[], start: number, end: number): ByteRange[] {
  const grown = ranges.map((r) => {
    const from = Math.max(start, Math.floor(r.offset / WRITE_UNIT) * WRITE_UNIT);
    const to = Math.min(end, Math.ceil((r.offset + r.length) / WRITE_UNIT) * WRITE_UNIT);
    return { offset: from, length: to - from };
  });
  return mergeRanges(grown);
}

/**
 * Appends to `out` the parts of sorted, disjoint `runs` that fall inside [start, end).
 * Binary search first: this runs for every chunk of a multi-gigabyte stream.
 */
export function intersectRuns(runs: readonly ByteRange[], start: number, end: number, out: ByteRange[]): void {
  let lo = 0;
  let hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const r = runs[mid]!;
    if (r.offset + r.length <= start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < runs.length; i++) {
    const r = runs[i]!;
    if (r.offset >= end) break;
    const from = Math.max(start, r.offset);
    const to = Math.min(end, r.offset + r.length);
    if (to > from) out.push({ offset: from, length: to - from });
  }
}

/** The parts of [start, end) not covered by sorted, disjoint `covered`. */
export function complement(covered: readonly ByteRange[], start: number, end: number): ByteRange[] {
  const inside: ByteRange[] = [];
  intersectRuns(covered, start, end, inside);
  const gaps: ByteRange[] = [];
  let at = start;
  for (const r of inside) {
    if (r.offset > at) gaps.push({ offset: at, length: r.offset - at });
    at = Math.max(at, r.offset + r.length);
  }
  if (end > at) gaps.push({ offset: at, length: end - at });
  return gaps;
}

export function totalLength(ranges: readonly ByteRange[]): number {
  return ranges.reduce((sum, r) => sum + r.length, 0);
}

/**
 * Runs of set bits in a bitmap as byte ranges: bit i stands for the unit at
 * `base + i * unitSize`; only the first `bitCount` bits count. Whole 0x00/0xff bytes are skipped
 * or taken in one step, so a mostly empty or mostly full bitmap costs one step per byte.
 */
export function bitmapRuns(bitmap: Buffer, bitCount: number, base: number, unitSize: number): ByteRange[] {
  const runs: ByteRange[] = [];
  let runStart = -1;
  const close = (bit: number) => {
    if (runStart >= 0) runs.push({ offset: base + runStart * unitSize, length: (bit - runStart) * unitSize });
    runStart = -1;
  };
  let bit = 0;
  while (bit < bitCount) {
    const byte = bitmap[bit >>> 3]!;
    if ((bit & 7) === 0 && bit + 8 <= bitCount && (byte === 0 || byte === 0xff)) {
      if (byte === 0) close(bit);
      else if (runStart < 0) runStart = bit;
      bit += 8;
      continue;
    }
    if (byte & (1 << (bit & 7))) {
      if (runStart < 0) runStart = bit;
    } else {
      close(bit);
    }
    bit++;
  }
  close(bitCount);
  return runs;
}
