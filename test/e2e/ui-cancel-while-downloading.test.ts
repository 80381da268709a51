/**
 * Cancel during a write of a catalog image that downloads while it is written, in Chromium through
 * the station, from a loopback mirror (ETag, Range) onto a loop device, then writing again, as a
 * person does. What the page says about the downloaded part must hold at the next write:
 *
 * - the card says the write was cancelled, that the card is incomplete (a "card", for a Raspberry
 *   Pi), and that what was downloaded is kept and the next write continues it;
 * - the step list says Cancelled (a person's own Cancel is no failure), and the button writes the
 *   card again "continuing the download";
 * - that write asks the mirror only for the rest (`Range: bytes=<the part's size>-`), and the card
 *   holds the image;
 * - History's cancelled row names the card it was to be (its hostname, not given) and says
 *   "Cancelled" once, not "Cancelled … Cancelled: …".
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { makeFixture, type Fixture } from '../fixtures/fixture';
import { chromiumSkipReason, screenshotPath } from '../helpers/browser';
import { assertCardHoldsImage } from '../helpers/card-check';
import { CATALOG_IMAGE_NAME, CATALOG_IMAGE_PATH, openCatalogMirrorStation, type CatalogMirrorStation } from '../helpers/catalog-mirror-station';
import { createLoopDisk } from '../helpers/loop';
import { ED25519_KEY } from '../helpers/ssh-keys';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { addTarget, confirmErase, firstBootWithKey } from '../helpers/ui-steps';

const MiB = 1024 * 1024;
const skip = loopSkipReason() ?? chromiumSkipReason() ?? commandsSkipReason('xz', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'e2fsck', 'fsck.vfat');
/** ~1.5 MB/s: the Cancel surely comes mid-download. */
const SLOW = { bytes: 32 * 1024, ms: 20 };
const HOSTNAME = 'maya-pi';

async function shot(page: Page, name: string): Promise<void> {
  const file = screenshotPath(name);
  if (file) await page.screenshot({ path: file, fullPage: true });
}

describe('Cancel while a catalog image downloads and is written, in Chromium through the station', { skip: skip ?? false }, () => {
  let opened: CatalogMirrorStation;
  let fixture: Fixture & { xzPath: string };

  before(async () => {
    const built = await makeFixture({ xz: 'osbuild', size: 96 * MiB, espMib: 16, bootMib: 16, rootFillMib: 16, seed: 22 });
    fixture = { ...built, xzPath: built.xzPath! };
    opened = await openCatalogMirrorStation('cancel-stream', fixture.xzPath);
  });

  after(async () => {
    await opened?.close();
  });

  it('says the download is kept, writes again continuing it, and History names the cancelled card once', { timeout: 300_000 }, async () => {
    const { session, mirror, dataDir, sha256 } = opened;
    const card = createLoopDisk(fixture.size + 8 * MiB, 'fiot-e2e-cancel-');
    const page = await session.browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const part = path.join(dataDir, 'cache', 'downloads', `${sha256}.part`);
    try {
      await page.goto(session.station.url);
      await page.getByTestId('catalog-source').waitFor();
      await page.locator('[data-testid="board-card"][data-board="rpi4"]').click();
      await page.locator(`[data-testid="catalog-entry"][data-entry="raw:${CATALOG_IMAGE_NAME}"]`).click();
      await page.getByTestId('image-streamed').waitFor();
      await firstBootWithKey(page, ED25519_KEY);
      await page.getByLabel('Hostname', { exact: true }).fill(HOSTNAME);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByTestId('step-drives').waitFor();
      await addTarget(page, card.device);
      await page.getByRole('button', { name: 'Continue' }).click();
      mirror.faults.throttle = SLOW;
      await page.getByTestId('flash-button').click();
      await confirmErase(page);

      // Cancel once part of the image is on disk and the page shows the download under way.
      await page.getByTestId('progress-download').waitFor({ timeout: 60_000 });
      while (!existsSync(part) || statSync(part).size < 2 * MiB) await page.waitForTimeout(50);
      await page.getByTestId('cancel-button').click();
      const outcome = page.locator('[data-testid="result-success"], [data-testid="result-failure"]');
      await outcome.waitFor({ timeout: 60_000 });
      mirror.faults.throttle = undefined;
      await shot(page, 'cancel-stream-1-cancelled');
      assert.equal(await outcome.getAttribute('data-testid'), 'result-failure');
      assert.equal(await page.getByTestId('target-result').getAttribute('data-state'), 'cancelled');

      const said = await page.getByTestId('target-error').innerText();
      assert.match(said, /The write was cancelled\. The [\d.]+ [kM]B of [\d.]+ MB downloaded so far are kept: the next write continues the download from there\./, said);
      assert.match(said, /The card is incomplete: write it again before using it\./, said);
      assert.doesNotMatch(said, /drive/, 'a Raspberry Pi card is called a card');
      assert.match(await page.getByTestId('nav-write').innerText(), /Cancelled/, 'the step list says what the person did');
      assert.doesNotMatch(await page.getByTestId('nav-write').innerText(), /Failed/);

      const partBytes = statSync(part).size;
      const before = mirror.requests.length;
      const again = page.getByTestId('flash-again');
      assert.equal(await again.innerText(), 'Write the card again, continuing the download');
      await again.click();
      await page.getByTestId('result-success').waitFor({ timeout: 240_000 });
      const resumed = mirror.downloads(CATALOG_IMAGE_PATH).filter((r) => mirror.requests.indexOf(r) >= before);
      assert.deepEqual(resumed.map((r) => [r.range, r.status]), [[`bytes=${partBytes}-`, 206]], 'the write asked the mirror only for the rest');
      await assertCardHoldsImage(fixture, card.device, { provisioned: 'boot' });

      await page.getByRole('button', { name: 'History' }).click();
      const row = page.locator('[data-testid="history-row"][data-result="cancelled"]');
      await row.waitFor();
      await row.scrollIntoViewIfNeeded();
      await shot(page, 'cancel-stream-2-history');
      assert.match(await row.locator('td').nth(1).innerText(), new RegExp(`^${HOSTNAME}\\s+not given: the card was not finished$`));
      const words = await row.getByTestId('history-error-words').innerText();
      assert.match(words, /^The write was cancelled\. The .* downloaded so far are kept/, 'the reason once, without a second "Cancelled:"');
      assert.equal((await row.locator('td').last().innerText()).match(/Cancelled/g)?.length, 1, 'the result says Cancelled once');
      assert.deepEqual(pageErrors, []);
    } finally {
      mirror.faults.throttle = undefined;
      await page.close();
      card.dispose();
    }
  });
});
