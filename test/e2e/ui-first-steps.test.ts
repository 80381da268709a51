/**
 * A first-time evaluator's first steps in Chromium through the station: the catalog when Fedora
 * cannot be reached (a calm banner; one click on an entry chooses it; its failed download points
 * at a local file, which then works), a password that is set once typed twice alike, the plain
 * summary with secrets masked, and the erase dialog asking before a card without any login, with
 * one click back to add one.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Fixture } from '../fixtures/fixture';
import { shotAtWidths } from '../helpers/a11y';
import { chromiumSkipReason } from '../helpers/browser';
import { openOfflineStation, type OfflineStation } from '../helpers/walk';
import type { StationSession } from '../helpers/station-session';
import { commandsSkipReason } from '../helpers/system';
import { addTarget, chooseImage, continueToDrives } from '../helpers/ui-steps';

const skip = chromiumSkipReason() ?? commandsSkipReason('xz', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy');
describe('first steps of an evaluator in Chromium through the station', { skip: skip ?? false }, () => {
  let station: OfflineStation;
  let session: StationSession;
  let fixture: Fixture;

  before(async () => {
    station = await openOfflineStation('first-steps');
    ({ session, fixture } = station);
  });

  after(() => station?.close());

  it('offline: a calm banner, one click tries the image, the failed download points at a local file', { timeout: 120_000 }, async () => {
    const page = await session.browser.context.newPage();
    try {
      await page.goto(session.station.url);
      const banner = page.getByTestId('catalog-offline');
      await banner.waitFor({ timeout: 30_000 });
      assert.match(await banner.innerText(), /You’re offline: showing the list of releases as it was on \d{4}-\d{2}-\d{2} \(newer ones may exist\); an image file you already have works\./);
      assert.equal(await banner.getByRole('button', { name: 'Retry' }).isVisible(), true);
      assert.equal(await page.locator('.notice-error').count(), 0, 'no red error for being offline');

      await page.locator('[data-testid="board-card"][data-board="rpi4"]').click();
      const entry = page.locator('[data-testid="catalog-entry"][data-entry="raw:Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz"]');
      assert.match(await entry.innerText(), /Fedora IoT 43 for Raspberry Pi 4[\s\S]*700 MB download · released 2025-10-24/);
      assert.doesNotMatch(await page.getByTestId('catalog-board').innerText(), /unknown/);
      assert.equal(await page.getByTestId('catalog-advanced').evaluate((d) => (d as HTMLDetailsElement).open), false, 'containers wait under Advanced');
      await shotAtWidths(page, 'first-steps-1-offline');

      await entry.click();
      const offline = page.getByTestId('catalog-download-offline');
      await offline.waitFor({ timeout: 30_000 });
      // One click tried it at once; its image could not be had, so it shows that, not a choice.
      assert.equal(await entry.getAttribute('aria-pressed'), 'false', 'a release whose download failed is not shown as chosen');
      assert.equal(await entry.getAttribute('data-failed'), 'true');
      assert.match(await offline.innerText(), /^No network: [\s\S]*Connect this computer to the internet and choose it again, or use an image you already have/);
      for (const next of ['Retry', 'Use a file you have']) assert.equal(await offline.getByRole('button', { name: next }).isVisible(), true, next);
      assert.equal(await offline.getByRole('button', { name: 'Use a cached image' }).count(), 0, 'the cache is empty: not offered');
      assert.equal(await page.getByTestId('catalog-picked').count(), 0, 'no green "chosen" above the failure');
      assert.equal(await page.locator('.notice-error').count(), 0);
      await shotAtWidths(page, 'first-steps-2-download-offline');

      await page.getByLabel('Image file path').fill(session.offer(fixture.xzPath!));
      await page.getByRole('button', { name: 'Use this file' }).click();
      await page.getByTestId('image-summary').waitFor();
      assert.equal(await page.getByTestId('step-continue').isEnabled(), true);
    } finally {
      await page.close();
    }
  });

  it('sets a password typed twice alike, and summarises first boot with secrets masked', { timeout: 60_000 }, async () => {
    const page = await session.browser.context.newPage();
    try {
      await page.goto(session.station.url);
      await chooseImage(page, session.offer(fixture.xzPath!));
      await page.getByTestId('step-continue').click();
      await page.getByTestId('provisioning-enabled').check();
      assert.equal(await page.getByTestId('keys-local').count(), 0, 'the station never offers its own ~/.ssh');
      await page.getByLabel('Hostname', { exact: true }).fill('my-pi');
      await page.getByLabel('User name', { exact: true }).fill('core');
      await page.getByLabel('Password (optional)').fill('pi and cream');
      await page.getByLabel('Type it again').fill('pi and cream');
      await page.getByTestId('profile-password-state').filter({ hasText: 'Password set' }).waitFor();
      assert.equal(await page.getByLabel('Password (optional)').inputValue(), '', 'the typed password is not kept in the page');
      await page.getByLabel('Network name (SSID)', { exact: true }).fill('Workshop');
      await page.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');

      const summary = page.getByTestId('profile-summary');
      await page.waitForFunction(() => document.querySelector('[data-testid="ignition-preview"]')?.textContent?.includes('wifi-Workshop'));
      // The time zone starts as this computer's, whatever the machine running the test uses.
      assert.match(await summary.innerText(), /^User core, password set, hostname my-pi, Wi-Fi Workshop \(passphrase hidden\), time zone [\w/+-]+$/);
      const json = (await page.getByTestId('ignition-preview').textContent()) ?? '';
      assert.match(json, /"passwordHash": "\*{8}"/);
      assert.match(json, /psk%3D\*{8}/);
      assert.doesNotMatch(json, /correct|\$6\$/, 'no secret on screen');
      assert.equal(await page.getByTestId('step-continue').isEnabled(), true, 'no "Set" to press first');
      await shotAtWidths(page, 'first-steps-3-first-boot');
    } finally {
      await page.close();
    }
  });

  it('asks before writing a card nobody can log into, and leads back to add a login in one click', { timeout: 60_000 }, async () => {
    const page = await session.browser.context.newPage();
    try {
      await page.goto(session.station.url);
      await chooseImage(page, session.offer(fixture.xzPath!));
      await continueToDrives(page);
      await addTarget(page, path.join(session.imagesDir, 'card.img'));
      await page.getByTestId('step-continue').click();
      await page.getByTestId('flash-button').click();
      const dialog = page.getByRole('dialog');
      const warning = dialog.getByTestId('no-login-warning');
      assert.match(await warning.innerText(), /no way to log in[\s\S]*First-boot setup is off/);
      const write = dialog.getByRole('button', { name: 'Erase and write' });
      assert.equal(await write.isDisabled(), true, 'nothing is written without an explicit yes');
      await dialog.getByLabel('Write anyway, without a login').check();
      assert.equal(await write.isEnabled(), true);
      await shotAtWidths(page, 'first-steps-4-no-login');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });

      // Met this late, the way back is one click: First boot opens, set up, the keyboard in User name.
      await page.getByTestId('flash-button').click();
      await dialog.getByRole('button', { name: 'Add a login in First boot' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.getByTestId('step-provisioning').waitFor();
      assert.equal(await page.getByTestId('provisioning-enabled').isChecked(), true, 'first-boot setup turned on');
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'profile-userName', undefined, { timeout: 2000 });
      await page.keyboard.type('core');
      assert.equal(await page.getByLabel('User name', { exact: true }).inputValue(), 'core');
    } finally {
      await page.close();
    }
  });
});
