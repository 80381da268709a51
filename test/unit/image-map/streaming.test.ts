import assert from 'node:assert/strict';
import { closeSync, openSync, readSync } from 'node:fs';
import { describe, test } from 'node:test';
import { mapImage, StreamingAllocationMap, type ByteRange } from '../../../electron/core/image-map';
import { mergeRanges } from '../../../electron/core/image-map/ranges';
import { FiotError } from '../../../shared/errors';
import { makeFixture, type Fixture } from '../../fixtures/fixture';
import { commandsSkipReason } from '../../helpers/system';

const skip = commandsSkipReason('sfdisk', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'debugfs', 'openssl') ?? false;
const MiB = 1024 * 1024;

function read(fixture: Fixture, offset: number, length: number): Buffer {
  const fd = openSync(fixture.path, 'r');
  const bytes = Buffer.alloc(length);
  const n = readSync(fd, bytes, 0, length, offset);
  closeSync(fd);
  return bytes.subarray(0, n);
}

/** Streams [from, size) in chunks of `chunk` bytes; returns everything mustWrite named. */
function stream(fixture: Fixture, map: StreamingAllocationMap, chunk: number, from = 0): ByteRange[] {
  const written: ByteRange[] = [];
  for (let at = from; at < fixture.size; at += chunk) {
    const bytes = read(fixture, at, Math.min(chunk, fixture.size - at));
    map.observe(bytes, at);
    const ranges = map.mustWrite(at, bytes.length);
    for (const r of ranges) assert.ok(r.offset >= at && r.offset + r.length <= at + bytes.length, 'range outside its chunk');
    written.push(...ranges);
  }
  return mergeRanges(written);
}

describe('StreamingAllocationMap', { skip }, () => {
  test('odd chunk sizes and an unknown image size give what mapImage gives', async () => {
    const fixture = await makeFixture({ layout: 'gpt', espFat: 32, espMib: 40 });
    const random = await mapImage(async (o, l) => read(fixture, o, l), fixture.size);
    for (const chunk of [12345, 64 * 1024 + 512, 3 * MiB]) {
      const map = new StreamingAllocationMap(chunk === 12345 ? null : fixture.size);
      assert.deepEqual(stream(fixture, map, chunk), random.dataRanges, `chunks of ${chunk}`);
      assert.deepEqual(map.partitions.map((p) => [p.fs, p.label]), [['vfat', 'ESP'], ['ext4', 'boot'], ['ext4', 'root']]);
    }
  });

  test('before the table is seen everything is written', () => {
    const map = new StreamingAllocationMap(1 << 30);
    assert.deepEqual(map.mustWrite(5 * MiB, MiB), [{ offset: 5 * MiB, length: MiB }]);
    map.observe(Buffer.alloc(4096), 0);
    assert.deepEqual(map.mustWrite(0, 4096), [{ offset: 0, length: 4096 }]);
  });

  test('metadata that went by unobserved leaves its partition written whole', async () => {
    const fixture = await makeFixture();
    const root = fixture.partitions[2]!;
    const fresh = new StreamingAllocationMap(fixture.size);
    fresh.observe(read(fixture, 0, 64 * 1024), 0);
    // Jump past the root filesystem's superblock, descriptors and bitmaps.
    const resume = root.offset + 8 * MiB;
    const written = stream(fixture, fresh, MiB, resume);
    assert.deepEqual(written, [{ offset: resume, length: fixture.size - resume }]);
  });

  test('chunks going backwards are refused', () => {
    const map = new StreamingAllocationMap(null);
    map.observe(Buffer.alloc(MiB), 0);
    assert.throws(() => map.observe(Buffer.alloc(10), 100), (e) => e instanceof FiotError && e.code === 'INTERNAL');
  });
});
