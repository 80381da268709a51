/**
 * Cancel during a write of a catalog image that downloads while it is written, in Chromium through
 * the station, from a loopback mirror (ETag, Range) onto a loop device, then writing again, as a
 * person does. What the page says about the downloaded part must hold at the next write:
 *
 * - from a mirror with no ETag nor Last-Modified: the card says what was downloaded was not kept,
 *   no `.part` stays, the button promises nothing, and the next write downloads from the start;
 * - from the mirror with its ETag: the card says the write was cancelled, that the card is
 *   incomplete (a "card", for a Raspberry Pi), and that what was downloaded is kept and the next
 *   write continues it;
 * - the step list says Cancelled (a person's own Cancel is no failure), and the button writes the
 *   card again "continuing the download";
 * - that write asks the mirror only for the rest (`Range: bytes=<the part's size>-`), and the card
 *   holds the image;
 * - History's cancelled row names the card it was to be (its hostname, not given) and says
 *   "Cancelled" once, not "Cancelled … Cancelled: …".
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { makeFixture, type Fixture } from '../fixtures/fixture';
import { chromiumSkipReason, screenshotPath } from '../helpers/browser';
import { assertCardHoldsImage } from '../helpers/card-check';
import { catalogImage, chooseMirrorImage, openCatalogMirrorStation, type CatalogMirrorStation } from '../helpers/catalog-mirror-station';
import { createLoopDisk } from '../helpers/loop';
import { ED25519_KEY } from '../helpers/ssh-keys';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { addTarget, confirmErase, firstBootWithKey } from '../helpers/ui-steps';

const MiB = 1024 * 1024;
const skip = loopSkipReason() ?? chromiumSkipReason() ?? commandsSkipReason('xz', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'e2fsck', 'fsck.vfat');
/** ~1.5 MB/s: the Cancel surely comes mid-download. */
const SLOW = { bytes: 32 * 1024, ms: 20 };
const HOSTNAME = 'maya-pi';
const { path: CATALOG_IMAGE_PATH } = catalogImage('aarch64');

/** The step list says what the person did: Cancelled, not Failed. */
async function assertStepSaysCancelled(page: Page): Promise<void> {
  const step = await page.getByTestId('nav-write').innerText();
  assert.match(step, /Cancelled/, step);
  assert.doesNotMatch(step, /Failed/);
}

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
    opened = await openCatalogMirrorStation('cancel-stream', { aarch64: readFileSync(fixture.xzPath) });
  });

  after(async () => {
    await opened?.close();
  });

  it('promises no resume a mirror cannot give; with an ETag says the download is kept and writes again continuing it; History names the cancelled card once', { timeout: 300_000 }, async () => {
    const { session, mirror, dataDir } = opened;
    const sha256 = opened.sha256.aarch64!;
    const card = createLoopDisk(fixture.size + 8 * MiB, 'fiot-e2e-cancel-');
    const page = await session.browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const part = path.join(dataDir, 'cache', 'downloads', `${sha256}.part`);
    /** Cancels once part of the image is on disk while the page shows the download under way; waits for the outcome. */
    const cancelPartway = async (page: Page) => {
      mirror.faults.throttle = SLOW;
      await page.getByTestId('progress-download').waitFor({ timeout: 60_000 });
      while (!existsSync(part) || statSync(part).size < 2 * MiB) await page.waitForTimeout(50);
      await page.getByTestId('cancel-button').click();
      await page.getByTestId('result-failure').waitFor({ timeout: 60_000 });
      mirror.faults.throttle = undefined;
      assert.equal(await page.getByTestId('target-result').getAttribute('data-state'), 'cancelled');
    };
    try {
      await chooseMirrorImage(page, session.station.url);
      await firstBootWithKey(page, ED25519_KEY);
      await page.getByLabel('Hostname', { exact: true }).fill(HOSTNAME);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByTestId('step-drives').waitFor();
      await addTarget(page, card.device);
      await page.getByRole('button', { name: 'Continue' }).click();
      // First from a mirror that sends no ETag nor Last-Modified: nothing to continue by.
      const served = mirror.files.get(CATALOG_IMAGE_PATH)!;
      served.noValidators = true;
      await page.getByTestId('flash-button').click();
      await confirmErase(page);
      await cancelPartway(page);
      const plainWords = await page.getByTestId('target-error').innerText();
      assert.match(plainWords, /The write was cancelled\. The [\d.]+ [kM]B of [\d.]+ MB downloaded so far were not kept, because the server does not let a download continue where it stopped .*: the next write downloads the image from its start\./, plainWords);
      assert.equal(existsSync(part), false, 'no partial download the next write could not use');
      await assertStepSaysCancelled(page);
      assert.equal(await page.getByTestId('flash-again').innerText(), 'Write the card again', 'no promise to continue the download');

      // Again, from the mirror as it usually is (an ETag, Range): it starts from the beginning, and is cancelled once more.
      served.noValidators = false;
      let before = mirror.requests.length;
      await page.getByTestId('flash-again').click();
      await cancelPartway(page);
      assert.deepEqual(mirror.downloads(CATALOG_IMAGE_PATH).filter((r) => mirror.requests.indexOf(r) >= before).map((r) => [r.range, r.status]), [[undefined, 200]], 'nothing was kept to continue from');
      await shot(page, 'cancel-stream-1-cancelled');
      const said = await page.getByTestId('target-error').innerText();
      assert.match(said, /The write was cancelled\. The [\d.]+ [kM]B of [\d.]+ MB downloaded so far are kept: the next write continues the download from there\./, said);
      assert.match(said, /The card is incomplete: write it again before using it\./, said);
      assert.doesNotMatch(said, /drive/, 'a Raspberry Pi card is called a card');
      await assertStepSaysCancelled(page);

      const partBytes = statSync(part).size;
      before = mirror.requests.length;
      const again = page.getByTestId('flash-again');
      assert.equal(await again.innerText(), 'Write the card again, continuing the download');
      await again.click();
      await page.getByTestId('result-success').waitFor({ timeout: 240_000 });
      const resumed = mirror.downloads(CATALOG_IMAGE_PATH).filter((r) => mirror.requests.indexOf(r) >= before);
      assert.deepEqual(resumed.map((r) => [r.range, r.status]), [[`bytes=${partBytes}-`, 206]], 'the write asked the mirror only for the rest');
      await assertCardHoldsImage(fixture, card.device, { provisioned: 'boot' });

      await page.getByRole('button', { name: 'History' }).click();
      const row = page.locator('[data-testid="history-row"][data-result="cancelled"]').first();
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
