/**
 * The flash pipeline end to end on real loop devices full of old data: startFlash -> writer
 * process -> etcher-sdk BlockDevice, with a Fedora-IoT-shaped fixture (MBR: vfat ESP, ext4 boot,
 * ext4 root). Each test checks what a person would: the bytes on the card, its partition table,
 * clean filesystems and identical files, or, for bad input, an error and an untouched card.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFlash, type FlashDeps } from '../../electron/core/flash/job';
import type { FlashProgress, FlashRequest, FlashResult } from '../../shared/domain/flash';
import { makeFixture, type Fixture } from '../fixtures/fixture';
import { assertCardHoldsImage, fillWithOldData, readRange } from '../helpers/card-check';
import { createLoopDisk } from '../helpers/loop';
import { tableSignatures, writeOldGpt } from '../helpers/partition-tables';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';

const MiB = 1024 * 1024;
const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.vfat', 'mcopy', 'mkfs.ext4', 'debugfs', 'e2fsck', 'fsck.vfat', 'xz', 'gzip') ?? false;

let fixture: Fixture;
let xzPath = '';
let workDir = '';
const disposers: Array<() => void> = [];

before(async () => {
  if (skip) return;
  workDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-flash-loop-'));
  fixture = await makeFixture({ layout: 'mbr', size: 128 * MiB, espMib: 16, bootMib: 32, rootFillMib: 16 });
  // xz -0: the format is what matters here, and the shared CPU is slow at -6.
  xzPath = path.join(workDir, 'image.raw.xz');
  writeFileSync(xzPath, execFileSync('xz', ['-T1', '-0', '-c', fixture.path], { maxBuffer: 256 * MiB }));
});

after(() => {
  for (const dispose of disposers.reverse()) dispose();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** A loop device over a card-sized file full of old data. */
function usedCard(size = 160 * MiB) {
  const card = createLoopDisk(size, 'fiot-flash-card-');
  disposers.push(() => card.dispose());
  fillWithOldData(card.backingFile, size);
  return card;
}

async function flash(request: FlashRequest, deps: FlashDeps = {}, onProgress?: (p: FlashProgress, cancel: () => void) => void): Promise<{ result: FlashResult; progress: FlashProgress[] }> {
  const job = startFlash(request, deps);
  const progress: FlashProgress[] = [];
  job.onProgress((p) => {
    progress.push(p);
    onProgress?.(p, () => job.cancel());
  });
  return { result: await job.result, progress };
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

describe('flash to loop devices', { skip }, () => {
  test('an .xz image on a used card: mapped bytes, table, fsck-clean filesystems, identical files; only data written', async () => {
    const card = usedCard();
    const { result, progress } = await flash({ source: xzPath, targets: [card.device] });
    assert.equal(result.ok, true, JSON.stringify(result.error ?? result.targets));
    const [target] = result.targets;
    assert.equal(target?.state, 'done');
    assert.equal(target?.verified, true);
    assert.match(target?.writtenSha256 ?? '', /^[0-9a-f]{64}$/);
    assert.equal(result.imageSize, fixture.size);
    await assertCardHoldsImage(fixture, card.device, { files: true });
    // Bytes the device saw: the data and the table, not the image's empty space (plus the 1 MiB wipe of the old table).
    const written = card.sectorsWritten() * 512;
    assert.ok(result.writtenBytes! < fixture.size * 0.6, `wrote ${result.writtenBytes} of ${fixture.size}`);
    assert.ok(written <= result.writtenBytes! + 2 * MiB, `device saw ${written} bytes written`);
    const phases = new Set(progress.map((p) => p.phase));
    for (const phase of ['preparing', 'decompressing', 'verifying', 'done'] as const) assert.ok(phases.has(phase), `phase ${phase} reported`);
    const last = progress.at(-1)!;
    assert.equal(last.targets[0]?.state, 'done');
    assert.ok(progress.some((p) => p.phase === 'decompressing' && p.totalBytes === fixture.size && p.bytes > 0));
    assert.ok(result.writerPeakMemoryBytes! < 300 * MiB, `writer peak memory ${result.writerPeakMemoryBytes}`);
  });

  test('a raw image to two targets at once (a loop device and an image file), both verified and identical', async () => {
    const card = usedCard();
    const file = path.join(workDir, 'copy.img');
    const { result } = await flash({ source: fixture.path, targets: [card.device, file] });
    assert.equal(result.ok, true, JSON.stringify(result.error ?? result.targets));
    assert.deepEqual(result.targets.map((t) => [t.state, t.verified]), [['done', true], ['done', true]]);
    assert.equal(result.targets[0]?.writtenSha256, result.targets[1]?.writtenSha256);
    assert.equal(statSync(file).size, fixture.size);
    await assertCardHoldsImage(fixture, card.device);
    await assertCardHoldsImage(fixture, file);
  });

  test('a card that does not end on a 4 KiB boundary (an odd number of sectors) and held a GPT disk: written, verified, no old backup header left', async () => {
    // Real cards come in any whole number of 512-byte sectors; the old disk's backup GPT header sits in the very last one.
    const size = 160 * MiB + 3 * 512;
    const card = usedCard(size);
    writeOldGpt(card.device);
    assert.equal(readRange(card.device, size - 512, 8).toString('latin1'), 'EFI PART', 'the old backup header is in the last sector before the flash');
    const { result } = await flash({ source: xzPath, targets: [card.device] });
    assert.equal(result.ok, true, JSON.stringify(result.error ?? result.targets));
    assert.deepEqual(result.targets.map((t) => [t.state, t.verified]), [['done', true]]);
    await assertCardHoldsImage(fixture, card.device);
    assert.notEqual(readRange(card.device, size - 512, 8).toString('latin1'), 'EFI PART', 'the old backup header is gone');
    assert.deepEqual(tableSignatures(card.device).map((s) => s.type), ['dos'], 'only the image\'s MBR: no old GPT at either end');
  });

  test('a corrupt .xz fails with SOURCE_CORRUPT, is not reported good, and leaves no partition table', async () => {
    const card = usedCard();
    const corrupt = path.join(workDir, 'corrupt.raw.xz');
    const bytes = readFileSync(xzPath);
    // Damage compressed data in the middle: the index still checks out, the decoder must catch it.
    for (let i = 0; i < 64; i++) bytes[Math.floor(bytes.length / 2) + i]! ^= 0x5a;
    writeFileSync(corrupt, bytes);
    const { result } = await flash({ source: corrupt, targets: [card.device] });
    assert.equal(result.ok, false);
    assert.equal(result.targets[0]?.state, 'failed');
    assert.equal(result.targets[0]?.error?.code, 'SOURCE_CORRUPT');
    assert.equal(result.targets[0]?.verified, false);
    assert.ok(readRange(card.device, 0, MiB).equals(Buffer.alloc(MiB)), 'the old table is wiped and the new one never written');
  });

  test('a truncated .xz is refused before anything is written', async () => {
    const card = usedCard();
    const truncated = path.join(workDir, 'truncated.raw.xz');
    copyFileSync(xzPath, truncated);
    truncateSync(truncated, Math.floor(statSync(xzPath).size * 0.7));
    const before = sha256(card.backingFile);
    const { result } = await flash({ source: truncated, targets: [card.device] });
    assert.equal(result.ok, false);
    assert.equal(result.targets[0]?.error?.code, 'SOURCE_CORRUPT');
    assert.match(result.targets[0]?.error?.message ?? '', /cut short|not a complete xz/);
    assert.equal(card.sectorsWritten(), 0);
    assert.equal(sha256(card.backingFile), before);
  });

  test('an image larger than the card is refused before anything is written', async () => {
    const card = usedCard(96 * MiB);
    const before = sha256(card.backingFile);
    const { result } = await flash({ source: xzPath, targets: [card.device] });
    assert.equal(result.ok, false);
    assert.equal(result.targets[0]?.error?.code, 'TARGET_TOO_SMALL');
    assert.equal(card.sectorsWritten(), 0);
    assert.equal(sha256(card.backingFile), before);
  });

  test('a read-only loop device (losetup -r) is refused before anything is written', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-ro-card-'));
    const backing = path.join(dir, 'card.img');
    writeFileSync(backing, Buffer.alloc(0));
    truncateSync(backing, 160 * MiB);
    const device = execFileSync('losetup', ['-r', '-f', '--show', backing], { encoding: 'utf8' }).trim();
    const loop = attachLoopStats(device);
    disposers.push(() => {
      execFileSync('losetup', ['-d', device]);
      rmSync(dir, { recursive: true, force: true });
    });
    const { result } = await flash({ source: fixture.path, targets: [device] });
    assert.equal(result.ok, false);
    assert.equal(result.targets[0]?.error?.code, 'TARGET_READ_ONLY');
    assert.equal(loop.sectorsWritten(), 0);
  });

  test('cancel while writing stops promptly with CANCELLED, and the card does not look finished', async () => {
    const card = usedCard();
    let cancelledAt = 0;
    const { result } = await flash({ source: xzPath, targets: [card.device] }, {}, (p, cancel) => {
      if (!cancelledAt && p.phase === 'decompressing' && p.bytes >= 8 * MiB) {
        cancelledAt = Date.now();
        cancel();
      }
    });
    assert.ok(cancelledAt > 0, 'the job reached the write phase');
    assert.ok(Date.now() - cancelledAt < 5000, 'stopped within 5 s');
    assert.equal(result.ok, false);
    assert.equal(result.targets[0]?.state, 'cancelled');
    assert.equal(result.targets[0]?.error?.code, 'CANCELLED');
    assert.ok(readRange(card.device, 0, MiB).equals(Buffer.alloc(MiB)), 'no partition table on a cancelled card');
  });

  test('one decode, two cards: a card too small for a piped .zst (size unknown up front) fails, the other completes', async () => {
    const good = usedCard();
    const small = usedCard(100 * MiB);
    // zstd reading a pipe records no content size (a .gz now counts as its trailer's and table's size).
    const zst = path.join(workDir, 'image.raw.zst');
    writeFileSync(zst, execFileSync('sh', ['-c', 'zstd -1 -c < "$0"', fixture.path], { maxBuffer: 256 * MiB }));
    const { result } = await flash({ source: zst, targets: [good.device, small.device] });
    assert.equal(result.ok, false);
    assert.equal(result.targets[0]?.state, 'done');
    assert.equal(result.targets[0]?.verified, true);
    assert.equal(result.targets[1]?.state, 'failed');
    assert.equal(result.targets[1]?.error?.code, 'TARGET_TOO_SMALL');
    await assertCardHoldsImage(fixture, good.device);
  });
});

/** The sector counters of a loop device attached outside createLoopDisk (here: read-only). */
function attachLoopStats(device: string): { sectorsWritten(): number } {
  const name = path.basename(device);
  const written = () => Number(readFileSync(`/sys/block/${name}/stat`, 'utf8').trim().split(/\s+/)[6]);
  // Counters survive detach and re-attach: count from now.
  const base = written();
  return { sectorsWritten: () => written() - base };
}
