/**
 * "Upload an image to the station" in Chromium, as a field tech whose image is on the laptop with
 * the browser: choose the file, watch the bar, bytes and speed move (the upload is throttled with
 * Chromium's own network emulation so there is something to watch), and the image becomes the
 * chosen one, byte for byte the file sent; a file dropped on the image file box goes the same
 * way. Cancel removes what the station had received; a name the station already has, or one that
 * is not an image's, is refused in plain words.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { makeFixture, type Fixture } from '../fixtures/fixture';
import { chromiumSkipReason, screenshotPath } from '../helpers/browser';
import { openStationSession, type StationSession } from '../helpers/station-session';
import { commandsSkipReason } from '../helpers/system';
import { openFileSource } from '../helpers/ui-steps';
import { folderEntries, folderSettles } from '../helpers/upload-client';

const skip = chromiumSkipReason() ?? commandsSkipReason('xz', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy');

/** Chromium's DevTools network emulation: uploads at `bytesPerSecond`, downloads unthrottled. */
async function throttleUploads(page: Page, bytesPerSecond: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
}

describe('uploading an image to the station in Chromium', { skip: skip ?? false }, () => {
  let session: StationSession;
  let fixture: Fixture;

  before(async () => {
    [fixture, session] = await Promise.all([makeFixture({ xz: true }), openStationSession('upload')]);
  });
  after(async () => {
    await session?.close();
  });

  it('shows progress with bytes and speed, and the uploaded image becomes the chosen one', { timeout: 120_000 }, async () => {
    const page = await session.browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(session.station.url);
      await openFileSource(page);
      const sent = readFileSync(fixture.xzPath!);
      // About four seconds for the whole file.
      await throttleUploads(page, Math.ceil(sent.length / 4));
      await page.getByTestId('upload-input').setInputFiles(fixture.xzPath!);
      const figures = page.getByTestId('upload-figures');
      await figures.waitFor({ timeout: 10_000 });
      await page.waitForFunction(() => /\d[\d.]* [kM]B\/s/.test(document.querySelector('[data-testid="upload-figures"]')?.textContent ?? ''), undefined, { timeout: 10_000 });
      assert.match(await figures.innerText(), /^[\d.]+ [kM]?B of [\d.]+ MB · [\d.]+ [kM]B\/s/);
      const midway = Number(await page.getByRole('progressbar').getAttribute('aria-valuenow'));
      assert.ok(midway > 0 && midway < 100, `the bar moves (${midway}%)`);
      const shot = screenshotPath('upload-1-progress');
      if (shot) await page.screenshot({ path: shot, fullPage: true });

      const summary = page.getByTestId('image-summary');
      await summary.waitFor({ timeout: 60_000 });
      const savedName = path.basename(fixture.xzPath!);
      assert.match(await summary.innerText(), new RegExp(savedName.replace('.', '\\.')));
      assert.match(await page.getByTestId('upload-done').innerText(), /is saved on the station and chosen/);
      assert.ok(await page.getByTestId('offered-images').getByRole('button', { name: savedName, exact: true }).isVisible(), 'it is now one of the offered images');
      assert.ok(readFileSync(path.join(session.imagesDir, savedName)).equals(sent), 'the station holds the file sent, byte for byte');
      assert.deepEqual(folderEntries(session.imagesDir), [savedName], 'no part file is left');
      const done = screenshotPath('upload-2-chosen');
      if (done) await page.screenshot({ path: done, fullPage: true });
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.close();
    }
  });

  it('a file dropped on the image file box is uploaded and chosen', { timeout: 60_000 }, async () => {
    const page = await session.browser.context.newPage();
    try {
      await page.goto(session.station.url);
      await openFileSource(page);
      const bytes = randomBytes(1024 * 1024);
      // A raw image needs no partition table to be accepted: its name says what it is.
      const dataTransfer = await page.evaluateHandle((content) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(content)], 'dropped.raw'));
        return transfer;
      }, [...bytes]);
      await page.getByTestId('image-drop-zone').dispatchEvent('drop', { dataTransfer });
      await page.getByTestId('upload-done').waitFor({ timeout: 30_000 });
      assert.match(await page.getByTestId('image-summary').innerText(), /dropped\.raw/);
      assert.equal(await page.getByLabel('Image file path').inputValue(), path.join(session.imagesDir, 'dropped.raw'));
      assert.ok(readFileSync(path.join(session.imagesDir, 'dropped.raw')).equals(bytes));
    } finally {
      await page.close();
    }
  });

  it('Cancel stops the upload and the station keeps nothing of it', { timeout: 60_000 }, async () => {
    const page = await session.browser.context.newPage();
    try {
      await page.goto(session.station.url);
      await openFileSource(page);
      const before = folderEntries(session.imagesDir);
      await throttleUploads(page, 1024 * 1024);
      await page.getByTestId('upload-input').setInputFiles({ name: 'cancel-me.raw', mimeType: 'application/octet-stream', buffer: randomBytes(16 * 1024 * 1024) });
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="upload-progress"] [role="progressbar"]')?.getAttribute('aria-valuenow') ?? 0) > 0, undefined, { timeout: 10_000 });
      await page.getByTestId('upload-cancel').click();
      await page.getByTestId('upload-cancelled').waitFor();
      assert.deepEqual(await folderSettles(session.imagesDir, before), before, 'neither the file nor its part file is left');
    } finally {
      await page.close();
    }
  });

  it('refuses, in plain words, a name the station already has and a file that is not named like an image', { timeout: 60_000 }, async () => {
    const page = await session.browser.context.newPage();
    try {
      await page.goto(session.station.url);
      await openFileSource(page);
      const before = folderEntries(session.imagesDir);
      const error = page.getByTestId('upload-error');
      await page.getByTestId('upload-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image\n') });
      assert.match(await error.innerText(), /“notes\.txt” is not named like a disk image/);
      // The station answers before reading the body, and closes: the browser must still show its words.
      const existing = path.basename(fixture.xzPath!);
      await page.getByTestId('upload-input').setInputFiles({ name: existing, mimeType: 'application/octet-stream', buffer: randomBytes(32 * 1024 * 1024) });
      await page.getByText(`The station already has a file named “${existing}”`).waitFor({ timeout: 30_000 });
      assert.deepEqual(folderEntries(session.imagesDir), before, 'nothing written or replaced');
      const shot = screenshotPath('upload-3-refused');
      if (shot) await page.screenshot({ path: shot, fullPage: true });
    } finally {
      await page.close();
    }
  });
});
