/**
 * Downloads and the image cache in Chromium through the station: a Fedora-named image and its
 * clear-signed CHECKSUM on a loopback mirror, the signing key trusted in the user's keys folder.
 * The Download tab shows progress and "Signature verified by <signer> (<fingerprint>)", the image becomes the chosen
 * one under its published name, and the Cached images tab lists it and removes it.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Station } from '../../electron/station/server';
import { makeFixture } from '../fixtures/fixture';
import { chromiumSkipReason, screenshotPath, type TestBrowser } from '../helpers/browser';
import { startImageServer, type ImageServer } from '../helpers/image-server';
import { makeTestKey } from '../helpers/pgp';
import { commandsSkipReason } from '../helpers/system';
import { openStationSession, type StationSession } from '../helpers/station-session';

const MiB = 1024 * 1024;
const skip = chromiumSkipReason() ?? commandsSkipReason('xz', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy');
const IMAGE = 'Fedora-IoT-raw-42-20250414.0.aarch64.raw.xz';
const CHECKSUM = 'Fedora-IoT-42-aarch64-20250414.0-CHECKSUM';

describe('downloads and the image cache in Chromium', { skip: skip ?? false }, () => {
  let session: StationSession;
  let station: Station;
  let browser: TestBrowser;
  let mirror: ImageServer;

  before(async () => {
    session = await openStationSession('images');
    ({ station, browser } = session);
    const [fixture, key] = await Promise.all([makeFixture({ xz: true, size: 128 * MiB, espMib: 32, bootMib: 32, rootFillMib: 8, seed: 42 }), makeTestKey('Fedora (test)')]);
    const xz = readFileSync(fixture.xzPath!);
    const sha256 = createHash('sha256').update(xz).digest('hex');
    mirror = await startImageServer({
      [`/iot/${IMAGE}`]: xz,
      [`/iot/${CHECKSUM}`]: Buffer.from(await key.clearSign(`SHA256 (${IMAGE}) = ${sha256}\n`)),
      // The same image next to a CHECKSUM file nobody signed.
      [`/unsigned/${IMAGE}`]: xz,
      [`/unsigned/${CHECKSUM}`]: Buffer.from(`SHA256 (${IMAGE}) = ${sha256}\n`),
    });
    // The user's own keys folder: read when a download is verified, so it may be filled now.
    mkdirSync(path.join(session.dataDir, 'config', 'keys'), { recursive: true });
    writeFileSync(path.join(session.dataDir, 'config', 'keys', 'test-fedora.asc'), key.publicArmored);
  });

  after(async () => {
    await session?.close();
    await mirror?.close();
  });

  it('downloads, shows the signature badge, chooses the image, and lists and removes it in the cache', { timeout: 180_000 }, async () => {
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(station.url);
      await page.getByRole('tab', { name: 'Download' }).click();
      await page.getByTestId('download-url').fill(mirror.url(`/iot/${IMAGE}`));
      await page.getByTestId('download-start').click();
      // The Download tab's progress says how it was checked (the chosen image's panel says it too).
      const signed = page.getByTestId('download-progress').getByTestId('badge-signed');
      await signed.waitFor({ timeout: 120_000 });
      assert.match(await signed.innerText(), /^Signature verified by Fedora \(test\) <test@example\.invalid> \(([0-9A-F]{4} ){9}[0-9A-F]{4}\)$/);
      await page.getByTestId('image-summary').waitFor({ timeout: 60_000 });
      assert.match(await page.getByTestId('image-summary').innerText(), /Fedora-IoT-raw-42-20250414\.0\.aarch64\.raw/);
      assert.equal(mirror.transfers(`/iot/${IMAGE}`).length, 1);
      const shot = screenshotPath('images-1-downloaded');
      if (shot) await page.screenshot({ path: shot, fullPage: true });

      await page.getByRole('tab', { name: 'Cached images' }).click();
      const entries = page.getByTestId('cache-entry');
      await entries.first().waitFor();
      assert.equal(await entries.count(), 1);
      const listed = await entries.first().innerText();
      assert.match(listed, /Fedora-IoT-raw-42-20250414\.0\.aarch64\.raw\.xz/);
      assert.doesNotMatch(listed, /decompressed copy ready/, 'a download gets its decompressed copy from its first verified flash, not before');
      // "Prune" in plain words, and while the cache is within its limit, why there is nothing to do.
      const free = page.getByTestId('cache-prune');
      assert.equal(await free.innerText(), 'Free space down to the limit');
      assert.equal(await free.isDisabled(), true);
      assert.equal(await page.locator(`#${await free.getAttribute('aria-describedby')}`).innerText(), 'Within its limit: nothing to free.');
      await page.getByTestId('cache-remove').click();
      await page.getByText('No images are kept here yet').waitFor();
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.close();
    }
  });

  it('refuses an image whose CHECKSUM is unsigned, and accepts it only when the user ticks the insecure choice, which the badge then says', { timeout: 180_000 }, async () => {
    const page = await browser.context.newPage();
    try {
      await page.goto(station.url);
      await page.getByRole('tab', { name: 'Download' }).click();
      await page.getByTestId('download-url').fill(mirror.url(`/unsigned/${IMAGE}`));
      await page.getByTestId('download-start').click();
      const error = page.getByTestId('download-error');
      await error.waitFor({ timeout: 60_000 });
      assert.equal(await error.getAttribute('data-code'), 'SIGNATURE_INVALID');
      // The way on is another download, not the weaker setting; and no command-line flag in the app.
      assert.match(await error.innerText(), /Do not use this file: download it again/);
      assert.doesNotMatch(await error.innerText(), /skip|--/i);
      assert.equal(mirror.transfers(`/unsigned/${IMAGE}`).length, 0, 'nothing was downloaded');

      await page.getByTestId('skip-signature').check();
      assert.match(await page.getByTestId('skip-signature-warning').innerText(), /^Insecure:/);
      await page.getByTestId('download-start').click();
      const badge = page.getByTestId('download-progress').getByTestId('badge-skipped');
      await badge.waitFor({ timeout: 120_000 });
      assert.match(await badge.innerText(), /^SIGNATURE NOT CHECKED/);
      // Under the chosen image too, where the person looks next.
      assert.match(await page.getByTestId('image-downloaded').getByTestId('badge-skipped').innerText(), /^SIGNATURE NOT CHECKED/);
      assert.equal(await page.getByTestId('badge-signed').count(), 0);
      const shot = screenshotPath('images-2-signature-skipped');
      if (shot) await page.screenshot({ path: shot, fullPage: true });
    } finally {
      await page.close();
    }
  });
});
