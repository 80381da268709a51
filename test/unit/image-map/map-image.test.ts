import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mapImage } from '../../../electron/core/image-map';
import { FiotError } from '../../../shared/errors';

const MiB = 1024 * 1024;
const fromBuffer = (image: Buffer) => async (offset: number, length: number) => image.subarray(offset, offset + length);

describe('mapImage on images that are not partitioned disks', () => {
  test('no partition table: the whole image is written', async () => {
    const map = await mapImage(fromBuffer(Buffer.alloc(3 * MiB + 100)), 3 * MiB + 100);
    assert.deepEqual(map.partitions, []);
    assert.deepEqual(map.dataRanges, [{ offset: 0, length: 3 * MiB + 100 }]);
    assert.equal(map.dataBytes, 3 * MiB + 100);
  });

  test('an image smaller than the table area, and an empty one', async () => {
    assert.deepEqual((await mapImage(fromBuffer(Buffer.alloc(1000)), 1000)).dataRanges, [{ offset: 0, length: 1000 }]);
    assert.deepEqual((await mapImage(fromBuffer(Buffer.alloc(0)), 0)).dataRanges, []);
  });

  test('an image shorter than its stated size is refused as damaged, before anything is written', async () => {
    await assert.rejects(mapImage(fromBuffer(Buffer.alloc(1000)), 4 * MiB), (e: unknown) => {
      assert.ok(e instanceof FiotError);
      assert.equal(e.code, 'SOURCE_CORRUPT');
      assert.match(e.message, /ends early/);
      return true;
    });
  });

  test('an impossible size is refused', async () => {
    await assert.rejects(mapImage(fromBuffer(Buffer.alloc(0)), -1), (e: unknown) => e instanceof FiotError && e.code === 'INVALID_INPUT');
  });
});
