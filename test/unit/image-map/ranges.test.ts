import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { bitmapRuns, complement, intersectRuns, mergeRanges, roundOut } from '../../../electron/core/image-map/ranges';
import type { ByteRange } from '../../../electron/core/image-map';

const r = (offset: number, length: number): ByteRange => ({ offset, length });

describe('byte range helpers', () => {
  test('mergeRanges sorts, joins overlapping and touching ranges, drops empty ones', () => {
    assert.deepEqual(mergeRanges([r(10, 5), r(0, 4), r(4, 2), r(12, 10), r(40, 0), r(30, 1)]), [r(0, 6), r(10, 12), r(30, 1)]);
  });

  test('roundOut grows to 4 KiB, never shrinks, and stays inside the window', () => {
    assert.deepEqual(roundOut([r(5000, 10), r(8190, 4)], 0, 1 << 20), [r(4096, 8192)]);
    assert.deepEqual(roundOut([r(5000, 10)], 4500, 6000), [r(4500, 1500)]);
  });

  test('intersectRuns clips sorted runs to a window', () => {
    const runs = [r(0, 10), r(20, 10), r(40, 10)];
    const out: ByteRange[] = [];
    intersectRuns(runs, 5, 45, out);
    assert.deepEqual(out, [r(5, 5), r(20, 10), r(40, 5)]);
  });

  test('complement lists the gaps of a window', () => {
    assert.deepEqual(complement([r(10, 10), r(30, 5)], 0, 50), [r(0, 10), r(20, 10), r(35, 15)]);
    assert.deepEqual(complement([], 7, 9), [r(7, 2)]);
  });

  test('bitmapRuns agrees with a bit-by-bit reading on random and patterned bitmaps', () => {
    const patterns = [randomBytes(512), Buffer.alloc(512), Buffer.alloc(512, 0xff), Buffer.from([0xf0, 0xff, 0xff, 0x0f, 0, 0x01, 0x80])];
    for (const bitmap of patterns) {
      for (const bitCount of [bitmap.length * 8, bitmap.length * 8 - 3]) {
        const expected: ByteRange[] = [];
        for (let bit = 0; bit < bitCount; bit++) {
          if (bitmap[bit >> 3]! & (1 << (bit & 7))) expected.push(r(1000 + bit * 4096, 4096));
        }
        assert.deepEqual(bitmapRuns(bitmap, bitCount, 1000, 4096), mergeRanges(expected));
      }
    }
  });
});
