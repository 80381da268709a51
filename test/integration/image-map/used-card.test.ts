/**
 * The safety proof of the allocation map: a "used card" full of old random data receives ONLY the
 * ranges the map names, and must then read back like the image itself: same bytes outside the
 * partitions (tables, gaps, GPT backup), clean e2fsck/fsck.vfat, and every file identical.
 */
import assert from 'node:assert/strict';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readSync, writeSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mapImage, StreamingAllocationMap, type ByteRange } from '../../../electron/core/image-map';
import { makeFixture, type Fixture, type FixtureOptions } from '../../fixtures/fixture';
import { e2fsck, ext4Tree, fsckVfat, treeDifferences, vfatTree } from '../../helpers/fs-tree';
import { readRange } from '../../helpers/card-check';
import { createLoopDisk } from '../../helpers/loop';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

const skip = commandsSkipReason('sfdisk', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'debugfs', 'e2fsck', 'fsck.vfat', 'openssl') ?? false;
const MiB = 1024 * 1024;

let workDir = '';
before(() => {
  workDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-used-card-'));
});
after(() => rmSync(workDir, { recursive: true, force: true }));

function readAt(file: string): (offset: number, length: number) => Promise<Buffer> {
  return async (offset, length) => readRange(file, offset, length);
}

/** A card-sized file (or an existing device) full of random "old data", as a card that held something else. */
function usedCard(name: string, size: number, device?: string): string {
  const card = device ?? path.join(workDir, name);
  const fd = openSync(card, device ? 'r+' : 'w');
  const garbage = Buffer.alloc(MiB);
  for (let at = 0; at < size; at += MiB) writeSync(fd, randomFillSync(garbage), 0, Math.min(MiB, size - at), at);
  fsyncSync(fd);
  closeSync(fd);
  return card;
}

function copyRanges(image: string, card: string, ranges: ByteRange[]): void {
  const src = openSync(image, 'r');
  const dst = openSync(card, 'r+');
  const buf = Buffer.alloc(4 * MiB);
  for (const r of ranges) {
    for (let at = r.offset; at < r.offset + r.length; at += buf.length) {
      const n = Math.min(buf.length, r.offset + r.length - at);
      readSync(src, buf, 0, n, at);
      writeSync(dst, buf, 0, n, at);
    }
  }
  closeSync(src);
  closeSync(dst);
}

/** Streams the image in 1 MiB chunks; writes only what the map says after seeing each chunk. */
function streamOnto(image: string, card: string, size: number): number {
  const map = new StreamingAllocationMap(size);
  const src = openSync(image, 'r');
  const dst = openSync(card, 'r+');
  let written = 0;
  const chunk = Buffer.alloc(MiB);
  for (let at = 0; at < size; at += MiB) {
    const n = readSync(src, chunk, 0, Math.min(MiB, size - at), at);
    map.observe(chunk.subarray(0, n), at);
    for (const r of map.mustWrite(at, n)) {
      writeSync(dst, chunk, r.offset - at, r.length, r.offset);
      written += r.length;
    }
  }
  fsyncSync(dst);
  closeSync(src);
  closeSync(dst);
  return written;
}

function sha256(file: string, offset: number, length: number): string {
  const hash = createHash('sha256');
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(MiB);
  for (let at = offset; at < offset + length; at += MiB) {
    const n = readSync(fd, buf, 0, Math.min(MiB, offset + length - at), at);
    hash.update(buf.subarray(0, n));
  }
  closeSync(fd);
  return hash.digest('hex');
}

interface Expected {
  trees: Map<string, string>[];
}

function expectedOf(fixture: Fixture): Expected {
  return {
    trees: fixture.partitions.map((p) => (p.fs === 'vfat' ? vfatTree(fixture.path, p.offset) : ext4Tree(fixture.path, p.offset))),
  };
}

/** What a person would check on the card: bytes outside partitions, fsck, every file. */
function assertCardMatches(fixture: Fixture, card: string, expected: Expected): void {
  let at = 0;
  for (const p of [...fixture.partitions, { offset: fixture.size, size: 0 }]) {
    assert.equal(sha256(card, at, p.offset - at), sha256(fixture.path, at, p.offset - at), `bytes ${at}..${p.offset} (outside partitions)`);
    at = p.offset + p.size;
  }
  fixture.partitions.forEach((p, i) => {
    const check = p.fs === 'vfat' ? fsckVfat(card, p.offset, p.size) : e2fsck(card, p.offset);
    assert.ok(check.clean, `${p.label} is not clean on the card:\n${check.output}`);
    const tree = p.fs === 'vfat' ? vfatTree(card, p.offset) : ext4Tree(card, p.offset);
    assert.deepEqual(treeDifferences(expected.trees[i]!, tree), [], `${p.label} files differ`);
  });
  assert.notEqual(sha256(card, 0, fixture.size), sha256(fixture.path, 0, fixture.size), 'the card still holds old data where nothing was written');
}

const cases: Array<{ name: string; options: FixtureOptions; modes: Array<'random access' | 'streaming'> }> = [
  { name: 'aarch64 MBR, FAT16 ESP', options: { layout: 'mbr' }, modes: ['random access', 'streaming'] },
  { name: 'x86_64 GPT, FAT32 ESP', options: { layout: 'gpt', espFat: 32, espMib: 40 }, modes: ['random access', 'streaming'] },
  { name: 'MBR, FAT12 ESP, zezere', options: { layout: 'mbr', espFat: 12, espMib: 16, zezere: true, seed: 7 }, modes: ['streaming'] },
];

describe('a used card written with only the mapped ranges reads back like the image', { skip }, () => {
  for (const c of cases) {
    describe(c.name, () => {
      let fixture: Fixture;
      let expected: Expected;
      before(async () => {
        fixture = await makeFixture(c.options);
        expected = expectedOf(fixture);
      });

      for (const mode of c.modes) {
        test(mode, async () => {
          const card = usedCard(`${c.name}-${mode}.img`.replace(/[^a-z0-9.-]+/gi, '-'), fixture.size);
          let written: number;
          if (mode === 'random access') {
            const map = await mapImage(readAt(fixture.path), fixture.size);
            copyRanges(fixture.path, card, map.dataRanges);
            written = map.dataBytes;
          } else {
            written = streamOnto(fixture.path, card, fixture.size);
          }
          assert.ok(written < fixture.size * 0.6, `wrote ${written} of ${fixture.size} bytes: free space was not skipped`);
          assertCardMatches(fixture, card, expected);
          rmSync(card);
        });
      }
    });
  }

  test('streaming onto a loop device: the device holds the image and wrote only the mapped sectors', { skip: loopSkipReason() ?? false }, async (t) => {
    const fixture = await makeFixture();
    const expected = expectedOf(fixture);
    const loop = createLoopDisk(fixture.size);
    try {
      usedCard('', fixture.size, loop.device);
      const before = loop.sectorsWritten();
      const written = streamOnto(fixture.path, loop.device, fixture.size);
      const deviceBytes = (loop.sectorsWritten() - before) * 512;
      t.diagnostic(`mapped ${written} bytes, device counted ${deviceBytes} bytes written, image ${fixture.size}`);
      assert.ok(deviceBytes >= written && deviceBytes <= written + MiB, `device wrote ${deviceBytes}, map named ${written}`);
      assertCardMatches(fixture, loop.device, expected);
    } finally {
      loop.dispose();
    }
  });

  test('skipping allocated blocks of zeros would break files (the check can fail)', async () => {
    const fixture = await makeFixture();
    const map = await mapImage(readAt(fixture.path), fixture.size);
    const zeroBlock = Buffer.alloc(4096);
    const fd = openSync(fixture.path, 'r');
    const block = Buffer.alloc(4096);
    const withoutZeros: ByteRange[] = [];
    for (const r of map.dataRanges) {
      for (let at = r.offset; at < r.offset + r.length; at += 4096) {
        readSync(fd, block, 0, 4096, at);
        if (!block.equals(zeroBlock)) withoutZeros.push({ offset: at, length: 4096 });
      }
    }
    closeSync(fd);
    const card = usedCard('zeros-skipped.img', fixture.size);
    copyRanges(fixture.path, card, withoutZeros);
    const root = fixture.partitions[2]!;
    const diffs = treeDifferences(ext4Tree(fixture.path, root.offset), ext4Tree(card, root.offset));
    assert.ok(diffs.some((d) => d.includes('sparse-looking-')), `expected damaged files, got: ${diffs.join('; ') || 'none'}`);
    rmSync(card);
  });
});

describe('the 2 GiB default fixture', { skip }, () => {
  test('maps to roughly an eighth to a fifth of the image, the same streamed or read at random', async (t) => {
    const fixture = await makeFixture({ size: 2048 * MiB, espMib: 64, bootMib: 256, rootFillMib: 217 });
    const map = await mapImage(readAt(fixture.path), fixture.size);
    const ratio = map.dataBytes / fixture.size;
    t.diagnostic(`dataBytes ${map.dataBytes} of ${fixture.size} (${(ratio * 100).toFixed(1)}%), ${map.dataRanges.length} ranges`);
    assert.ok(ratio > 0.1 && ratio < 0.22, `ratio ${ratio}`);
    const map2 = new StreamingAllocationMap(fixture.size);
    const src = openSync(fixture.path, 'r');
    const chunk = Buffer.alloc(MiB);
    let streamed = 0;
    for (let at = 0; at < fixture.size; at += MiB) {
      const n = readSync(src, chunk, 0, MiB, at);
      map2.observe(chunk.subarray(0, n), at);
      for (const r of map2.mustWrite(at, n)) streamed += r.length;
    }
    closeSync(src);
    assert.equal(streamed, map.dataBytes);
  });
});
