/**
 * A usability finding: after one card was written, a new, blank card in the same reader (it got the
 * same /dev/loopN name) reached the Write step still showing "The card is ready … Verified" with no
 * Flash button, so a person would have pulled a blank card. In Chromium through the station: write a
 * loop card, swap a blank card in under the same device path, walk back through Drives to Write:
 * the plan and the Flash button show, not the old result; writing it then verifies, and History
 * keeps both writes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { openSync, closeSync, ftruncateSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeFixture, type Fixture } from '../fixtures/fixture';
import { chromiumSkipReason, screenshotPath } from '../helpers/browser';
import { createLoopDisk } from '../helpers/loop';
import { sha256OfRange } from '../helpers/card-check';
import { addTarget, chooseImage, confirmErase, continueToDrives, writeAndWait } from '../helpers/ui-steps';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { openStationSession, type StationSession } from '../helpers/station-session';

const MiB = 1024 * 1024;
const WRITE_TIMEOUT = 150_000;
const skip = loopSkipReason() ?? chromiumSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'losetup');

describe('a new card after a finished write', { skip: skip ?? false }, () => {
  let session: StationSession;
  let fixture: Fixture;

  before(async () => {
    [fixture, session] = await Promise.all([makeFixture(), openStationSession('new-card')]);
  });

  after(async () => {
    await session?.close();
  });

  it('shows the plan and the Flash button again, not the last card’s “ready”, and writes the new card verified', { timeout: 420_000 }, async () => {
    const card = createLoopDisk(fixture.size + 16 * MiB);
    const blankFile = path.join(card.dir, 'new-card.img');
    let swapped = false;
    const page = await session.browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(session.station.url);
      await chooseImage(page, session.offer(fixture.path));
      await continueToDrives(page);
      await addTarget(page, card.device);
      const first = await writeAndWait(page, WRITE_TIMEOUT);
      assert.equal(await first.getAttribute('data-testid'), 'result-success', await first.innerText());
      assert.match(await page.getByTestId('result-banner').innerText(), /The card or USB stick is ready/);

      // The card is pulled and a new, blank one goes into the same reader: the same device path.
      const fd = openSync(blankFile, 'w');
      ftruncateSync(fd, fixture.size + 16 * MiB);
      closeSync(fd);
      execFileSync('losetup', ['-d', card.device]);
      execFileSync('losetup', [card.device, blankFile]);
      swapped = true;
      const blank = await sha256OfRange(card.device, fixture.size);

      await page.getByTestId('nav-drives').click();
      await page.getByTestId('step-drives').waitFor();
      const row = page.locator(`[data-testid="drive-row"][data-device="${card.device}"]`);
      assert.equal(await row.getByRole('checkbox').isChecked(), true, 'the reader is still chosen');
      await page.getByRole('button', { name: 'Continue' }).click();

      // The Write step: what will be written where, and the button to do it; nothing says "ready".
      await page.getByTestId('write-plan').waitFor();
      const shot = screenshotPath('new-card-1-plan-again');
      if (shot) await page.screenshot({ path: shot, fullPage: true });
      assert.equal(await page.getByTestId('result-banner').count(), 0, 'the last card’s result is not shown');
      assert.equal(await page.getByText('The card or USB stick is ready').count(), 0);
      assert.match(await page.getByTestId('write-plan').innerText(), new RegExp(card.device.replace(/\//g, '\\/')));
      assert.equal(await page.getByTestId('flash-button').isEnabled(), true);
      assert.notEqual(await page.getByTestId('nav-write').locator('.step-number').innerText(), '✓', 'the Write step is not ticked');
      assert.equal(await sha256OfRange(card.device, fixture.size), blank, 'nothing was written to the new card yet');

      await page.getByTestId('flash-button').click();
      await confirmErase(page);
      const second = page.locator('[data-testid="result-success"], [data-testid="result-failure"]');
      await second.waitFor({ timeout: WRITE_TIMEOUT });
      assert.equal(await second.getAttribute('data-testid'), 'result-success', await second.innerText());
      const target = page.locator(`[data-testid="target-result"][data-device="${card.device}"]`);
      assert.equal(await target.getAttribute('data-state'), 'done');
      const inImage = await sha256OfRange(fixture.path, fixture.size);
      assert.equal(await sha256OfRange(blankFile, fixture.size), inImage, 'the new card now holds the image');
      assert.equal(await sha256OfRange(card.backingFile, fixture.size), inImage, 'the first card still does');

      // Both writes stay in History.
      await page.getByTestId('history-open').click();
      const rows = page.getByTestId('history-row');
      await rows.nth(1).waitFor();
      assert.deepEqual(await rows.evaluateAll((all) => all.map((r) => r.getAttribute('data-result'))), ['verified', 'verified']);
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.close();
      if (swapped) {
        // Put the first card's file back behind the device, so dispose() detaches what it attached.
        execFileSync('losetup', ['-d', card.device]);
        execFileSync('losetup', [card.device, card.backingFile]);
      }
      card.dispose();
    }
  });
});
