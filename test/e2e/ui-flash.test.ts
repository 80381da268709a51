/**
 * The whole app as a user meets it in a browser: the built renderer served by the station, driven
 * in Chromium. A Fedora-IoT-shaped .raw.xz is chosen by path, a loop device is added by path,
 * written and verified, and the test then reads the device: its bytes must be the image's. The
 * first write keeps the decompressed copy in the image cache, and the next write of the same
 * bytes says it was written from it.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Station } from '../../electron/station/server';
import { makeFixture, type Fixture } from '../fixtures/fixture';
import { chromiumSkipReason, screenshotPath, type TestBrowser } from '../helpers/browser';
import { createLoopDisk } from '../helpers/loop';
import { sha256OfRange } from '../helpers/card-check';
import { addTarget, chooseImage, confirmErase, continueToDrives, openFileSource, writeAndWait } from '../helpers/ui-steps';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { openStationSession, type StationSession } from '../helpers/station-session';

const MiB = 1024 * 1024;
const skip = loopSkipReason() ?? chromiumSkipReason() ?? commandsSkipReason('xz', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy');

async function shot(page: Page, name: string): Promise<void> {
  const file = screenshotPath(name);
  if (file) await page.screenshot({ path: file });
}

describe('the app in Chromium through the station', { skip: skip ?? false }, () => {
  let session: StationSession;
  let station: Station;
  let browser: TestBrowser;
  let fixture: Fixture;
  /**
   * An image for the cancel test alone: the first test's is in the image cache by then, and a flash
   * from the cache's copy could finish before Cancel is pressed. This one is decoded, as a first flash is.
   */
  let uncached: Fixture;

  before(async () => {
    [fixture, uncached, session] = await Promise.all([makeFixture({ xz: true }), makeFixture({ xz: true, seed: 2 }), openStationSession('flash')]);
    ({ station, browser } = session);
  });

  after(async () => {
    await session?.close();
  });

  it('refuses the page without its token', async () => {
    const bare = new URL(station.url);
    bare.search = '';
    const page = await browser.context.newPage();
    const response = await page.goto(bare.href);
    assert.ok(response && [401, 403].includes(response.status()), `status ${response?.status()}`);
    assert.equal(await page.getByTestId('step-image').count(), 0, 'the app itself is not served');
    const wrong = new URL(station.url);
    wrong.searchParams.set('token', 'not-the-token');
    const refused = await page.goto(wrong.href);
    assert.ok(refused && [401, 403].includes(refused.status()), `status ${refused?.status()}`);
    await page.close();
  });

  it('writes a .raw.xz to a loop device, verified, and the device holds the image', { timeout: 180_000 }, async () => {
    const card = createLoopDisk(fixture.size + 64 * MiB);
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(station.url);
      await shot(page, '1-image');
      await chooseImage(page, session.offer(fixture.xzPath!));
      assert.match(await page.getByTestId('image-summary').innerText(), /xz-compressed/);
      assert.match(await page.getByTestId('image-size').innerText(), /268 MB/);
      await shot(page, '2-image-chosen');
      await continueToDrives(page);

      await addTarget(page, card.device);
      const row = page.locator(`[data-testid="drive-row"][data-device="${card.device}"]`);
      assert.equal(await row.getByRole('checkbox').isChecked(), true, 'an added device is selected');
      await shot(page, '3-drives');
      await page.getByRole('button', { name: 'Continue' }).click();

      await page.getByTestId('flash-button').click();
      const dialog = page.getByRole('dialog');
      assert.match(await dialog.innerText(), new RegExp(card.device.replace(/\//g, '\\/')), 'the confirmation names the device');
      await shot(page, '4-confirm');
      await confirmErase(page);
      await page.getByTestId('progress').waitFor();
      await shot(page, '5-progress');

      const outcome = page.locator('[data-testid="result-success"], [data-testid="result-failure"]');
      await outcome.waitFor({ timeout: 150_000 });
      await shot(page, '6-result');
      assert.equal(await outcome.getAttribute('data-testid'), 'result-success', await outcome.innerText());
      const target = page.locator(`[data-testid="target-result"][data-device="${card.device}"]`);
      assert.equal(await target.getAttribute('data-state'), 'done');
      assert.match(await target.getByTestId('target-sha256').innerText(), /^[0-9a-f]{64}$/);
      assert.match(await target.getByTestId('target-old-data').innerText(), /^Its old contents were discarded before writing/, 'a loop device takes a discard');
      assert.match(await page.getByTestId('result-image-cache').innerText(), /decompressed copy is now in the image cache/);

      // What a user would check: the device now starts with exactly the image's bytes.
      const [onDevice, inImage] = await Promise.all([sha256OfRange(card.device, fixture.size), sha256OfRange(fixture.path, fixture.size)]);
      assert.equal(onDevice, inImage);
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.close();
      card.dispose();
    }
  });

  it('writes two cards at once from one confirmation', { timeout: 180_000 }, async () => {
    const cards = [createLoopDisk(fixture.size), createLoopDisk(fixture.size + 8 * MiB)];
    const page = await browser.context.newPage();
    try {
      await page.goto(station.url);
      await chooseImage(page, session.offer(fixture.xzPath!));
      await continueToDrives(page);
      for (const card of cards) await addTarget(page, card.device);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByTestId('flash-button').click();
      const dialog = page.getByRole('dialog');
      const words = await dialog.innerText();
      for (const card of cards) assert.ok(words.includes(card.device), `the confirmation names ${card.device}`);
      await confirmErase(page);
      await page.getByTestId('result-success').waitFor({ timeout: 150_000 });
      assert.equal(await page.getByTestId('target-result').count(), 2);
      // The same bytes as the first test's image: written from the copy that flash kept.
      assert.match(await page.getByTestId('result-image-cache').innerText(), /nothing was decompressed/);
      const inImage = await sha256OfRange(fixture.path, fixture.size);
      for (const card of cards) {
        const row = page.locator(`[data-testid="target-result"][data-device="${card.device}"]`);
        assert.equal(await row.getAttribute('data-state'), 'done');
        assert.equal(await sha256OfRange(card.device, fixture.size), inImage, `${card.device} holds the image`);
      }
    } finally {
      await page.close();
      for (const card of cards) card.dispose();
    }
  });

  it('cancels a write and never calls the card good', { timeout: 120_000 }, async () => {
    const card = createLoopDisk(uncached.size);
    const page = await browser.context.newPage();
    try {
      await page.goto(station.url);
      await chooseImage(page, session.offer(uncached.xzPath!));
      await continueToDrives(page);
      await addTarget(page, card.device);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByTestId('flash-button').click();
      await confirmErase(page);
      await page.getByRole('button', { name: 'Cancel' }).click({ timeout: 30_000 });
      const outcome = page.locator('[data-testid="result-success"], [data-testid="result-failure"]');
      await outcome.waitFor({ timeout: 60_000 });
      await shot(page, '8-cancelled');
      assert.equal(await outcome.getAttribute('data-testid'), 'result-failure');
      const row = page.locator(`[data-testid="target-result"][data-device="${card.device}"]`);
      assert.equal(await row.getAttribute('data-state'), 'cancelled');
      assert.equal(await row.getByTestId('target-sha256').count(), 0, 'no checksum is shown for an incomplete card');
      assert.match(await row.getByTestId('target-error').innerText(), /write it again/);
    } finally {
      await page.close();
      card.dispose();
    }
  });

  it('reports a damaged image in plain words, with what to do next', { timeout: 120_000 }, async () => {
    // Damage inside the compressed data: the file still looks like xz, so only decoding finds it.
    const damaged = path.join(session.imagesDir, 'damaged.img.xz');
    const bytes = readFileSync(fixture.xzPath!);
    const start = Math.floor(bytes.length / 3);
    bytes.fill(0xa5, start, start + 4096);
    writeFileSync(damaged, bytes);
    const card = createLoopDisk(fixture.size);
    const page = await browser.context.newPage();
    try {
      await page.goto(station.url);
      await chooseImage(page, damaged);
      await continueToDrives(page);
      await addTarget(page, card.device);
      const outcome = await writeAndWait(page, 100_000);
      await shot(page, '9-damaged');
      assert.equal(await outcome.getAttribute('data-testid'), 'result-failure');
      const row = page.locator(`[data-testid="target-result"][data-device="${card.device}"]`);
      assert.equal(await row.getAttribute('data-state'), 'failed');
      const notice = row.getByTestId('target-error');
      assert.equal(await notice.getAttribute('data-code'), 'SOURCE_CORRUPT');
      assert.match(await notice.innerText(), /damaged or incomplete[\s\S]*Download the image again/);
      assert.equal(await row.getByTestId('target-sha256').count(), 0);
    } finally {
      await page.close();
      card.dispose();
    }
  });

  it('refuses a card that is too small before anything is written', { timeout: 60_000 }, async () => {
    const small = createLoopDisk(64 * MiB);
    // The kernel's counters belong to the loop device number, which earlier runs may have used.
    const writtenBefore = small.sectorsWritten();
    const page = await browser.context.newPage();
    try {
      await page.goto(station.url);
      await chooseImage(page, session.offer(fixture.xzPath!));
      await continueToDrives(page);
      await addTarget(page, small.device);
      const row = page.locator(`[data-testid="drive-row"][data-device="${small.device}"]`);
      assert.equal(await row.getByRole('checkbox').isDisabled(), true);
      assert.match(await row.locator('[data-code="TARGET_TOO_SMALL"]').innerText(), /too small/);
      assert.equal(await page.getByTestId('nav-write').isDisabled(), true, 'the write step stays closed');
      await shot(page, '7-too-small');
      assert.equal(small.sectorsWritten(), writtenBefore);
      assert.ok(readFileSync(small.backingFile).every((byte) => byte === 0), 'the card is untouched');
    } finally {
      await page.close();
      small.dispose();
    }
  });

  it('says what is wrong with a file that is not an image', async () => {
    const page = await browser.context.newPage();
    try {
      await page.goto(station.url);
      await openFileSource(page);
      await page.getByLabel('Image file path').fill(path.join(session.imagesDir, 'missing.raw.xz'));
      await page.getByRole('button', { name: 'Use this file' }).click();
      const error = page.getByTestId('image-error');
      await error.waitFor();
      assert.equal(await error.getAttribute('data-code'), 'SOURCE_NOT_FOUND');
      assert.match(await error.innerText(), /Check the path/);
      assert.equal(await page.getByRole('button', { name: 'Continue' }).isDisabled(), true);
      assert.equal(await page.getByTestId('nav-drives').isDisabled(), true);
    } finally {
      await page.close();
    }
  });

  it('offers the images of its images folder, and refuses a file anywhere else', async () => {
    const offered = session.offer(fixture.xzPath!, 'offered.raw.xz');
    const page = await browser.context.newPage();
    try {
      await page.goto(station.url);
      await openFileSource(page);
      await page.getByLabel('Image file path').fill(fixture.xzPath!);
      await page.getByRole('button', { name: 'Use this file' }).click();
      const error = page.getByTestId('image-error');
      await error.waitFor();
      assert.equal(await error.getAttribute('data-code'), 'FILE_NOT_GIVEN');
      // What happened in the station's terms, and a step that is on this page: no "permission",
      // no Browse button (a station's page has none).
      const words = await error.innerText();
      assert.match(words, /^The app may not use that file/);
      assert.match(words, /not in the station’s images folder/);
      assert.doesNotMatch(words, /permission|\bBrowse\b/i);
      assert.match(words, /Upload an image to the station…/);
      assert.equal(await page.getByRole('button', { name: 'Upload an image to the station…' }).count(), 1, 'the step the notice names is there');
      assert.equal(await page.getByRole('button', { name: /Browse/ }).count(), 0);
      await page.getByTestId('offered-images').getByRole('button', { name: 'offered.raw.xz' }).click();
      await page.getByTestId('image-summary').waitFor();
      assert.equal(await page.getByLabel('Image file path').inputValue(), offered);
    } finally {
      await page.close();
    }
  });
});
