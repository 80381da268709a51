/**
 * A multi-block .xz (compressed as osbuild does: xz -0, 1 MiB blocks with their sizes recorded)
 * flashed by random access: only the blocks that overlap data are decoded, and nothing else reaches
 * the card. Checked on a used loop device: the mapped bytes, the table, the filesystems, the old
 * bytes still in place where skipped blocks lie, the kernel's count of sectors written; and a
 * damaged block fails the flash with SOURCE_CORRUPT and no partition table on the card.
 */
import assert from 'node:assert/strict';
import { closeSync, copyFileSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFlash } from '../../electron/core/flash/job';
import { readXzBlocks, type XzBlock } from '../../electron/core/image-source/xz-index';
import type { ByteRange } from '../../electron/core/image-map';
import { makeFixture, type Fixture } from '../fixtures/fixture';
import { assertCardHoldsImage, fillWithOldData, imageDataRanges, readRange } from '../helpers/card-check';
import { createLoopDisk } from '../helpers/loop';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';

const MiB = 1024 * 1024;
const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'e2fsck', 'fsck.vfat', 'xz') ?? false;

let fixture: Fixture & { xzPath: string };
let blocks: XzBlock[];
let dataRanges: ByteRange[];
let dir = '';

const touches = (block: XzBlock, ranges: ByteRange[]) =>
  ranges.some((r) => r.offset < block.imageOffset + block.imageSize && block.imageOffset < r.offset + r.length);

before(async () => {
  if (skip) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-xz-blocks-'));
  const made = await makeFixture({ xz: 'osbuild' });
  fixture = { ...made, xzPath: made.xzPath! };
  blocks = await readXzBlocks(async (offset, length) => readRange(fixture.xzPath, offset, length), statSync(fixture.xzPath).size, fixture.xzPath);
  dataRanges = await imageDataRanges(fixture.path, fixture.size);
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('multi-block .xz by random access', { skip, timeout: 180_000 }, () => {
  test('only blocks holding data are decoded and written; the card holds the image', async () => {
    const skipped = blocks.filter((b) => !touches(b, dataRanges));
    assert.ok(blocks.length === fixture.size / MiB, `the fixture has 1 MiB blocks (${blocks.length})`);
    assert.ok(skipped.length > blocks.length / 4, `a quarter of the blocks lie in free space (${skipped.length})`);
    const card = createLoopDisk(fixture.size, 'fiot-xz-blocks-card-');
    try {
      fillWithOldData(card.backingFile, fixture.size);
      // Without the discard before writing, which would zero the skipped blocks' old bytes this test looks for.
      const result = await startFlash({ source: fixture.xzPath, targets: [card.device], discard: false }).result;
      assert.equal(result.ok, true, JSON.stringify(result.error ?? result.targets));
      assert.equal(result.targets[0]?.verified, true);
      assert.equal(result.xzBlocks?.total, blocks.length);
      assert.equal(result.xzBlocks?.decoded, blocks.length - skipped.length, 'every block touching data, and no other, was decoded');
      const dataBytes = dataRanges.reduce((sum, r) => sum + r.length, 0);
      // The data, plus the first MiB twice (zeroed first, the partition table written last).
      assert.ok(card.sectorsWritten() * 512 <= dataBytes + 2 * MiB, `sectors written ${card.sectorsWritten() * 512} > ${dataBytes} + 2 MiB`);
      await assertCardHoldsImage(fixture, card.device, { files: true });
      const old = skipped[Math.floor(skipped.length / 2)]!;
      assert.ok(!readRange(card.device, old.imageOffset, old.imageSize).equals(readRange(fixture.path, old.imageOffset, old.imageSize)), 'a skipped block keeps the old bytes');
    } finally {
      card.dispose();
    }
  });

  test('a damaged block fails the flash with SOURCE_CORRUPT, and the card has no partition table', async () => {
    const damaged = path.join(dir, 'damaged.raw.xz');
    copyFileSync(fixture.xzPath, damaged);
    const holding = blocks.filter((b) => touches(b, dataRanges));
    const victim = holding[Math.floor(holding.length * 0.75)]!;
    const fd = openSync(damaged, 'r+');
    const at = victim.fileOffset + Math.floor(victim.unpaddedSize / 2);
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, at);
    byte[0] = byte[0]! ^ 0x55;
    writeSync(fd, byte, 0, 1, at);
    closeSync(fd);
    const card = createLoopDisk(fixture.size, 'fiot-xz-blocks-card-');
    try {
      fillWithOldData(card.backingFile, fixture.size);
      const result = await startFlash({ source: damaged, targets: [card.device] }).result;
      assert.equal(result.ok, false);
      assert.equal(result.error?.code, 'SOURCE_CORRUPT', JSON.stringify(result.error));
      assert.match(result.error?.message ?? '', /damaged\.raw\.xz could not be decompressed/);
      const head = readRange(card.device, 0, MiB);
      assert.ok(head.equals(Buffer.alloc(MiB)), 'the first MiB of the card is zeros: no MBR, no GPT');
    } finally {
      card.dispose();
    }
  });
});
