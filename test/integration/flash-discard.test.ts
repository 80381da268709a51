/**
 * A reused card leaves nothing behind: a card filled with a marker (the old contents of a fleet
 * card, say another site's Wi-Fi passphrase) is flashed through `fiot-flash flash` with a small
 * Fedora-IoT-shaped image whose filesystems have free space. By default the writer discards the
 * whole card first: afterwards no block of the device holds the marker, the card verifies and
 * its filesystems check clean, and the result says the old contents were discarded. With
 * --no-discard, or on a card that takes no discard (a loop device over a file on ramfs, which
 * cannot punch holes), the marker survives in the root filesystem's free space and past the
 * image's end, the card is just as good, and the CLI says old data may remain.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeFixture, type Fixture } from '../fixtures/fixture';
import { assertCardHoldsImage, blocksWithMarker, fillWithMarker } from '../helpers/card-check';
import { resultLine } from '../helpers/cli-json';
import { usedByDumpe2fs } from '../helpers/fs-oracle';
import { attachNewCard, createLoopDisk, type LoopDevice } from '../helpers/loop';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/fiot-flash.mjs');
const MiB = 1024 * 1024;
const MARKER = 'wifi-psk=OtherSiteSecret-7731;';
/** The card is larger than the image, as cards are: its tail past the image is never written. */
const CARD_EXTRA = 16 * MiB;
const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'e2fsck', 'fsck.vfat', 'dumpe2fs', 'blkdiscard', 'mount') ?? false;

interface OldDataJson {
  discarded: boolean;
  reason?: string;
}

function flash(fixture: Fixture, device: string, flags: string[]) {
  const run = spawnSync(process.execPath, [bin, 'flash', fixture.path, '--drive', device, '--yes', ...flags], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  assert.equal(run.status, 0, run.stdout.slice(-2000) + run.stderr);
  return run;
}

const discardMaxBytes = (device: string) => Number(readFileSync(`/sys/block/${path.basename(device)}/queue/discard_max_bytes`, 'utf8'));

/** The marker's blocks past the image's end, and in the root filesystem's free blocks (dumpe2fs's own list). */
function survivors(fixture: Fixture, device: string, blocks: number[]): { pastEnd: number; rootFree: number } {
  const part = fixture.partitions.find((p) => p.label === 'root')!;
  const { used } = usedByDumpe2fs(device, part.offset);
  const inRoot = blocks.filter((b) => b >= part.offset && b < part.offset + part.size);
  return {
    pastEnd: blocks.filter((b) => b >= fixture.size).length,
    rootFree: inRoot.filter((b) => !used.some((r) => b + 4096 > r.offset && b < r.offset + r.length)).length,
  };
}

/** A used card: the marker everywhere, through the loop device itself. */
function usedCard(card: LoopDevice, size: number): void {
  fillWithMarker(card.device, size, MARKER);
  assert.ok(blocksWithMarker(card.device, size, MARKER).length >= size / 4096 - 1, 'the marker is everywhere before the flash');
}

/** A used card over a file on this machine's disk, `CARD_EXTRA` larger than the image; detached and removed afterwards. */
async function onUsedCard(prefix: string, test: (fixture: Fixture, card: LoopDevice, size: number) => Promise<void>): Promise<void> {
  const fixture = await makeFixture();
  const size = fixture.size + CARD_EXTRA;
  const card = createLoopDisk(size, prefix);
  try {
    usedCard(card, size);
    await test(fixture, card, size);
  } finally {
    card.dispose();
  }
}

describe('a reused card leaves nothing behind (discard before writing)', { skip }, () => {
  it('discards the whole card first: no marker anywhere afterwards, verified, fsck clean, and --json says discarded', { timeout: 300_000 }, async () => {
    await onUsedCard('fiot-discard-', async (fixture, card, size) => {
      assert.ok(discardMaxBytes(card.device) > 0, 'a loop device over a file on ext4 takes a discard');
      const result = resultLine<{ ok: boolean; targets: Array<{ verified: boolean; oldData?: OldDataJson }> }>(flash(fixture, card.device, ['--json']).stdout);
      assert.equal(result.ok, true);
      assert.equal(result.targets[0]?.verified, true);
      assert.deepEqual(result.targets[0]?.oldData, { discarded: true });
      assert.deepEqual(blocksWithMarker(card.device, size, MARKER), [], 'no block of the card holds the old marker');
      await assertCardHoldsImage(fixture, card.device);
    });
  });

  it('--no-discard: the marker survives in free space and past the image, and the CLI says old data may remain', { timeout: 300_000 }, async () => {
    await onUsedCard('fiot-no-discard-', async (fixture, card, size) => {
      const run = flash(fixture, card.device, ['--no-discard']);
      assert.match(run.stdout, new RegExp(`✔ ${card.device}: written and verified`));
      assert.match(run.stdout, /Old data may remain in this card’s free space: discarding it first was turned off for this run\./);
      const left = survivors(fixture, card.device, blocksWithMarker(card.device, size, MARKER));
      assert.ok(left.pastEnd > 0, 'the old marker is still past the image’s end');
      assert.ok(left.rootFree > 0, 'the old marker is still in the root filesystem’s free blocks');
      await assertCardHoldsImage(fixture, card.device);
    });
  });

  it('a card that takes no discard (a loop device over a file on ramfs): written and verified, and the result says it cannot erase it quickly', { timeout: 300_000 }, async () => {
    const fixture = await makeFixture();
    const size = fixture.size + CARD_EXTRA;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-ramfs-card-'));
    const mountpoint = path.join(dir, 'ramfs');
    mkdirSync(mountpoint);
    execFileSync('mount', ['-t', 'ramfs', 'fiot-test-ramfs', mountpoint]);
    let card: LoopDevice | null = null;
    try {
      card = attachNewCard(path.join(mountpoint, 'card.img'), size);
      assert.equal(discardMaxBytes(card.device), 0, 'ramfs cannot punch holes, so its loop device takes no discard');
      usedCard(card, size);
      const run = flash(fixture, card.device, ['--json']);
      const result = resultLine<{ ok: boolean; targets: Array<{ verified: boolean; oldData?: OldDataJson }> }>(run.stdout);
      assert.equal(result.targets[0]?.verified, true);
      assert.deepEqual(result.targets[0]?.oldData, { discarded: false, reason: 'unsupported' });
      const text = flash(fixture, card.device, []);
      assert.match(text.stdout, /Old data may remain in this card’s free space: it cannot erase it quickly/);
      const left = survivors(fixture, card.device, blocksWithMarker(card.device, size, MARKER));
      assert.ok(left.pastEnd > 0 && left.rootFree > 0, `the old marker survives (${JSON.stringify(left)})`);
      await assertCardHoldsImage(fixture, card.device);
    } finally {
      card?.detach();
      execFileSync('umount', [mountpoint]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
