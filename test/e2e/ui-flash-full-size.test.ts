/**
 * The walking skeleton's promise at full size, through the UI: the 2 GiB Fedora-IoT-shaped .raw.xz
 * (the benchmarks' image) written from Chromium through the station onto a loop device that holds
 * old data, verified; then the card is checked as a user would: the mapped bytes and the partition
 * table equal the image, every filesystem is fsck-clean and every file is identical.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { benchFixture } from '../bench/bench-fixture';
import { chromiumSkipReason } from '../helpers/browser';
import { assertCardHoldsImage, fillWithOldData } from '../helpers/card-check';
import { createLoopDisk } from '../helpers/loop';
import { openStationSession, type StationSession } from '../helpers/station-session';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { addTarget, chooseImage, continueToDrives, writeAndWait } from '../helpers/ui-steps';

const MiB = 1024 * 1024;
const skip = loopSkipReason() ?? chromiumSkipReason() ?? commandsSkipReason('xz', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'debugfs', 'e2fsck', 'fsck.vfat');

describe('a 2 GiB Fedora IoT image from the UI', { skip: skip ?? false }, () => {
  let session: StationSession;
  let fixture: Awaited<ReturnType<typeof benchFixture>>;

  // Building and compressing the 2 GiB image takes minutes the first time; later runs reuse it.
  before(async () => {
    [fixture, session] = await Promise.all([benchFixture(), openStationSession('full-size')]);
  }, { timeout: 1_800_000 });

  after(async () => {
    await session?.close();
  });

  it('writes it onto a used card, verified, and the card holds the image', { timeout: 600_000 }, async () => {
    const card = createLoopDisk(fixture.size + 64 * MiB);
    fillWithOldData(card.backingFile, fixture.size + 64 * MiB);
    const page = await session.browser.context.newPage();
    try {
      await page.goto(session.station.url);
      await chooseImage(page, session.offer(fixture.xzPath));
      await continueToDrives(page);
      await addTarget(page, card.device);
      const outcome = await writeAndWait(page, 540_000);
      assert.equal(await outcome.getAttribute('data-testid'), 'result-success', await outcome.innerText());
      const target = page.locator(`[data-testid="target-result"][data-device="${card.device}"]`);
      assert.equal(await target.getAttribute('data-state'), 'done');

      await assertCardHoldsImage(fixture, card.device, { files: true });
    } finally {
      await page.close();
      card.dispose();
    }
  });
});
