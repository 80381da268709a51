/**
 * What the last walk found: offline, a release picked in the catalog was not matched to the very
 * same file already sitting in the station's images folder; the app only said it could not
 * download. In Chromium through an offline station (the catalog kept from a loopback Fedora whose
 * port is closed), at 800 px, with the keyboard: the failed download offers "Use the copy in your
 * images folder (<name>)"; using it checks the copy first and says by what (the catalog's sha256,
 * or Fedora's signed CHECKSUM file beside it, signed by a key the app trusts), and a copy that does
 * not match is refused, saying so, and not chosen.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { makeFixture, type Fixture } from '../fixtures/fixture';
import { chromiumSkipReason } from '../helpers/browser';
import { makeTestKey, type TestKey } from '../helpers/pgp';
import { openStationSession, type StationSession } from '../helpers/station-session';
import { commandsSkipReason } from '../helpers/system';
import { OFFLINE_IMAGE, offlineCatalogEnv } from '../helpers/walk';

const skip = chromiumSkipReason() ?? commandsSkipReason('xz', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy');
/** Fedora's name for the CHECKSUM file of OFFLINE_IMAGE's compose. */
const CHECKSUM_FILE = 'Fedora-IoT-43-aarch64-20251024.0-CHECKSUM';

describe('offline, a catalog release already in the images folder', { skip: skip ?? false }, () => {
  let work: string;
  let session: StationSession;
  let fixture: Fixture;
  let sha256: string;
  let key: TestKey;
  let shots: string;

  before(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'fiot-e2e-folder-copy-'));
    shots = process.env.FIOT_E2E_SCREENSHOTS ?? path.join(work, 'shots');
    mkdirSync(shots, { recursive: true });
    [fixture, key] = await Promise.all([makeFixture({ xz: true, layout: 'mbr' }), makeTestKey()]);
    sha256 = createHash('sha256').update(readFileSync(fixture.xzPath!)).digest('hex');
    // The release index, when it was last reached, gave this very file's sha256.
    const env = await offlineCatalogEnv(work, { sha256, size: statSync(fixture.xzPath!).size });
    session = await openStationSession('folder-copy', env);
    session.offer(fixture.xzPath!, OFFLINE_IMAGE);
    const keys = path.join(env.FIOT_CONFIG_DIR!, 'keys');
    mkdirSync(keys, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(keys, 'test-signer.asc'), key.publicArmored);
    console.log(`folder-copy screenshots: ${shots}`);
  });

  after(async () => {
    await session?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const checksumBeside = async (listed: string) =>
    writeFileSync(path.join(session.imagesDir, CHECKSUM_FILE), await key.clearSign(`# ${OFFLINE_IMAGE}: 1 bytes\nSHA256 (${OFFLINE_IMAGE}) = ${listed}\n`));

  /** Picks the release in the catalog (a Pi 4's newest) and waits for the offline notice. */
  async function pickOffline(page: Page) {
    await page.getByRole('tab', { name: 'Fedora IoT' }).click();
    const board = page.locator('[data-testid="board-card"][data-board="rpi4"]');
    if (await board.count()) await board.click();
    await page.locator(`[data-testid="catalog-entry"][data-entry="raw:${OFFLINE_IMAGE}"]`).click();
    const notice = page.getByTestId('catalog-download-offline');
    await notice.waitFor({ timeout: 30_000 });
    return notice;
  }

  /** Presses the offer with the keyboard, as a person without a mouse does. */
  async function useCopyByKeyboard(page: Page) {
    const offer = page.getByTestId('catalog-download-offline').getByRole('button', { name: `Use the copy in your images folder (${OFFLINE_IMAGE})` });
    await offer.focus();
    await page.keyboard.press('Enter');
  }

  it('offers the copy, checks it by the catalog’s sha256 or the signed CHECKSUM beside it, says which, and refuses one that does not match', { timeout: 180_000 }, async () => {
    const page = await session.browser.context.newPage();
    await page.setViewportSize({ width: 800, height: 800 });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(session.station.url);
      const notice = await pickOffline(page);
      assert.match(await notice.innerText(), /No network/);
      await page.screenshot({ path: path.join(shots, 'folder-copy-1-offered.png') });

      // Fedora's signed CHECKSUM beside it, listing another sha256: refused, and not chosen.
      await checksumBeside('cd'.repeat(32));
      await useCopyByKeyboard(page);
      const refused = page.getByTestId('folder-copy-error');
      await refused.waitFor({ timeout: 60_000 });
      assert.equal(await refused.getAttribute('data-code'), 'CHECKSUM_MISMATCH');
      assert.match(await refused.innerText(), new RegExp(`${OFFLINE_IMAGE.replace(/\./g, '\\.')} in your images folder is not the image the catalog names: its sha256 is ${sha256}, but Fedora’s signed CHECKSUM file \\(${CHECKSUM_FILE}\\) says c`));
      const checked = page.getByTestId('folder-copy-checked');
      assert.equal(await checked.count(), 0, 'nothing says it was checked');
      assert.equal(await page.getByTestId('image-summary').count(), 0, 'the copy was not chosen');
      await page.screenshot({ path: path.join(shots, 'folder-copy-2-refused.png') });

      // The signed CHECKSUM lists the copy's sha256: it vouches, and the page names it and its signer.
      await checksumBeside(sha256);
      await useCopyByKeyboard(page);
      await checked.waitFor({ timeout: 60_000 });
      assert.equal(await checked.getAttribute('data-checked-by'), 'signed-checksum');
      assert.match(await checked.innerText(), new RegExp(`^The catalog’s image, from your images folder\\. Checked against the signed list of checksums beside it \\(${CHECKSUM_FILE}, signed by Fiot Test Signing Key`));
      assert.equal(await page.getByTestId('image-summary').locator('.chosen-name').innerText(), OFFLINE_IMAGE);
      assert.equal(await page.getByTestId('nav-image').locator('.step-summary').innerText(), OFFLINE_IMAGE);
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'folder-copy-checked', 'the keyboard lands on what was checked, not the page start');
      assert.equal(await page.getByTestId('catalog-download-offline').count(), 0, 'the failed download is no longer the news');
      await page.screenshot({ path: path.join(shots, 'folder-copy-3-checked-by-checksum.png') });

      // No CHECKSUM file beside it: the catalog's sha256 vouches, and the page says so.
      rmSync(path.join(session.imagesDir, CHECKSUM_FILE));
      await pickOffline(page);
      await useCopyByKeyboard(page);
      await page.locator('[data-testid="folder-copy-checked"][data-checked-by="catalog-sha256"]').waitFor({ timeout: 60_000 });
      assert.match(await checked.innerText(), /^The catalog’s image, from your images folder\. Checked against the checksum \(sha256\) the catalog gives for it: they match\./);
      assert.equal(await page.getByTestId('catalog-download-offline').count(), 0);
      await page.screenshot({ path: path.join(shots, 'folder-copy-4-checked-by-catalog.png') });
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.close();
    }
  });
});
