/**
 * The First boot step as a usability tester met it, each item checked the way they would notice
 * it in Chromium through the station: a password must be typed twice alike before it is set, and
 * both secrets can be shown; the step gets no ✓ before it is opened and is not called optional;
 * nothing is red before anything is typed; a setting to mend is named under its field and offers
 * "Go to <field>" (not dropping everything), and turning setup off keeps what was typed; the
 * preview shows each file as readable text while the JSON keeps Ignition's encoding.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { shotAtWidths } from '../helpers/a11y';
import { chromiumSkipReason } from '../helpers/browser';
import { openOfflineStation, type OfflineStation } from '../helpers/walk';
import { commandsSkipReason } from '../helpers/system';
import { chooseImage } from '../helpers/ui-steps';

const skip = chromiumSkipReason() ?? commandsSkipReason('xz');

/** The data-testid of the element holding the keyboard focus. */
const focusedTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? '');

describe('the First boot step in Chromium through the station', { skip: skip ?? false }, () => {
  let station: OfflineStation;
  before(async () => {
    station = await openOfflineStation('first-boot');
  });

  after(() => station?.close());

  /** A fresh page with the image chosen, on the First boot step with setup turned on. */
  async function onFirstBoot(walk: (page: Page) => Promise<void>): Promise<void> {
    const page = await station.session.browser.context.newPage();
    try {
      await page.goto(station.session.station.url);
      await chooseImage(page, station.session.offer(station.fixture.xzPath!));
      await page.getByTestId('step-continue').click();
      await page.getByTestId('provisioning-enabled').check();
      await walk(page);
    } finally {
      await page.close();
    }
  }

  it('sets a password only once typed twice alike; the password and the passphrase can be shown', { timeout: 60_000 }, async () => {
    await onFirstBoot(async (page) => {
      await page.getByLabel('Hostname', { exact: true }).fill('my-pi');
      await page.getByLabel('User name', { exact: true }).fill('core');
      const password = page.getByLabel('Password (optional)');
      await password.fill('pi and cream');
      const show = page.getByRole('button', { name: 'Show password' });
      assert.equal(await show.getAttribute('aria-pressed'), 'false');
      assert.equal(await password.getAttribute('type'), 'password');
      await show.click();
      assert.equal(await show.getAttribute('aria-pressed'), 'true');
      assert.equal(await show.innerText(), 'Hide');
      assert.equal(await password.getAttribute('type'), 'text', 'shown as typed');

      const again = page.getByLabel('Type it again');
      await again.fill('pi and crem');
      await again.press('Tab');
      const mismatch = page.getByTestId('profile-password-mismatch');
      assert.match(await mismatch.innerText(), /The two passwords differ/);
      assert.doesNotMatch(await page.getByTestId('profile-password-state').innerText(), /Password set/, 'no hash from a typo');
      assert.equal(await page.getByTestId('step-continue').isDisabled(), true);
      assert.match(await page.getByTestId('continue-reason').innerText(), /The two passwords typed differ/);
      await shotAtWidths(page, 'first-boot-1-password-mismatch');

      await page.getByTestId('continue-reason').getByRole('button', { name: 'Go to Type it again' }).click();
      assert.equal(await focusedTestId(page), 'profile-password-again');
      await again.fill('pi and cream');
      await page.getByTestId('profile-password-state').filter({ hasText: 'Password set' }).waitFor();
      assert.match(await page.getByTestId('profile-password-state').innerText(), /^Password set: only a one-way scrambled form of it \(a sha512-crypt hash\)/, 'plain words first, the term second');
      assert.equal(await mismatch.count(), 0);
      assert.equal(await password.inputValue(), '', 'the typed password is not kept in the page');
      await page.waitForFunction(() => document.querySelector('[data-testid="step-continue"]')?.hasAttribute('disabled') === false);

      await page.getByLabel('Network name (SSID)', { exact: true }).fill('Workshop');
      const passphrase = page.getByLabel('Passphrase', { exact: true });
      await passphrase.fill('correct horse battery');
      assert.equal(await passphrase.getAttribute('type'), 'password');
      const showPassphrase = page.getByRole('button', { name: 'Show passphrase' });
      await showPassphrase.click();
      assert.equal(await showPassphrase.getAttribute('aria-pressed'), 'true');
      assert.equal(await passphrase.getAttribute('type'), 'text');
      await showPassphrase.click();
      assert.equal(await passphrase.getAttribute('type'), 'password');
    });
  });

  it('gives the First boot step no ✓ before it is opened, and does not call it optional', { timeout: 60_000 }, async () => {
    const page = await station.session.browser.context.newPage();
    try {
      await page.goto(station.session.station.url);
      await chooseImage(page, station.session.offer(station.fixture.xzPath!));
      const mark = (step: string) => page.getByTestId(`nav-${step}`).locator('.step-number').innerText();
      assert.equal(await mark('provisioning'), '2', 'not opened: its number, no ✓');
      await page.getByTestId('step-continue').click();
      await page.getByTestId('step-provisioning').waitFor();
      // Not "optional" in words: without it nobody can log in, which the step says before the erase dialog does.
      const lead = await page.locator('.panel-lead').first().innerText();
      assert.doesNotMatch(lead, /optional/i);
      assert.match(lead, /^Fedora IoT has no user to log in as until one is made here: set each card or USB stick up on its first boot/);
      assert.equal(await mark('image'), '✓');
      assert.equal(await mark('provisioning'), '✓', 'opened and left off: nothing to do');
      assert.match(await page.getByTestId('nav-provisioning').innerText(), /No first-boot setup/);
    } finally {
      await page.close();
    }
  });

  it('shows no error before anything is typed; offers "Go to <field>" for a setting to mend, named under its field; keeps what was typed when setup is turned off', { timeout: 60_000 }, async () => {
    await onFirstBoot(async (page) => {
      // Just ticked, nothing typed: once the settings are checked, nothing on the form is red.
      await page.waitForFunction(() => document.querySelector('[data-testid="step-continue"]:not([disabled]), [data-testid^="profile-error"]'));
      assert.equal(await page.locator('[data-testid^="profile-error"], [aria-invalid="true"], .notice-error, [role="alert"]').count(), 0, 'no error for what nobody typed yet');

      const hostname = page.getByLabel('Hostname', { exact: true });
      await hostname.fill('my_pi!');
      await page.getByLabel('Network name (SSID)', { exact: true }).fill('Workshop');
      await page.getByTestId('profile-error-hostname').waitFor();
      const reason = page.getByTestId('continue-reason');
      await reason.getByRole('button', { name: 'Go to Hostname' }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Write without first-boot setup' }).count(), 0, 'no one click that drops the settings');
      // Both settings to mend are named (the Wi-Fi has a name but no passphrase yet); the first is offered.
      assert.match(await reason.innerText(), /2 fields need correcting: Hostname, Passphrase: the reason is shown under each\./);
      // Where the footer says: under the field, before the next one, in its column (not in the side panel).
      const field = (await hostname.boundingBox())!;
      const error = (await page.getByTestId('profile-error-hostname').boundingBox())!;
      const next = (await page.getByLabel('User name', { exact: true }).boundingBox())!;
      assert.ok(error.y >= field.y + field.height && error.y + error.height <= next.y, `the reason from ${error.y} to ${error.y + error.height} px, Hostname ends at ${field.y + field.height} px, User name starts at ${next.y} px`);
      assert.ok(Math.abs(error.x - field.x) < 40, `the reason starts at ${error.x} px, the field at ${field.x} px`);
      await page.getByTestId('step-continue').focus();
      await reason.getByRole('button', { name: 'Go to Hostname' }).click();
      assert.equal(await focusedTestId(page), 'profile-hostname');
      await shotAtWidths(page, 'first-boot-2-go-to-field');

      // A field folded under Advanced is unfolded and focused.
      await hostname.fill('my-pi');
      await page.getByTestId('profile-advanced').locator('summary').click();
      await page.getByLabel('Address with prefix').fill('not an address');
      await page.getByTestId('profile-advanced').locator('summary').click();
      // The first of two settings to mend is offered first: the Wi-Fi has a name but no passphrase yet.
      await reason.getByRole('button', { name: 'Go to Passphrase' }).click();
      assert.equal(await focusedTestId(page), 'profile-wifiPsk');
      await page.keyboard.type('correct horse battery');
      const goToAddress = reason.getByRole('button', { name: 'Go to Address with prefix' });
      await goToAddress.waitFor();
      await goToAddress.click();
      assert.equal(await page.getByTestId('profile-advanced').evaluate((d) => (d as HTMLDetailsElement).open), true);
      assert.equal(await focusedTestId(page), 'profile-staticAddress');

      await page.getByTestId('provisioning-enabled').uncheck();
      assert.equal(await page.getByTestId('step-continue').isEnabled(), true, 'off: nothing to mend');
      await page.getByTestId('provisioning-enabled').check();
      assert.equal(await hostname.inputValue(), 'my-pi', 'turning setup off and on keeps what was typed');
      assert.equal(await page.getByLabel('Network name (SSID)', { exact: true }).inputValue(), 'Workshop');
      assert.equal(await page.getByLabel('Address with prefix').inputValue(), 'not an address');
    });
  });

  it('shows each file of the config as readable text, secrets masked, and the JSON as written', { timeout: 60_000 }, async () => {
    await onFirstBoot(async (page) => {
      await page.getByLabel('Hostname', { exact: true }).fill('my-pi');
      await page.getByLabel('Network name (SSID)', { exact: true }).fill('Workshop');
      await page.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
      await page.waitForFunction(() => document.querySelector('[data-testid="ignition-preview"]')?.textContent?.includes('wifi-Workshop'));
      await page.locator('.preview-details > summary').click();

      const files = page.getByTestId('ignition-files');
      const keyfile = files.locator('[data-testid="ignition-file"][data-path$="wifi-Workshop.nmconnection"]');
      const keyfileText = await keyfile.innerText();
      assert.match(keyfileText, /\[connection\]\nid=Workshop/);
      assert.match(keyfileText, /^psk=\*{8}$/m);
      assert.match(keyfileText, /permissions 0600/);
      assert.doesNotMatch(await files.innerText(), /%5B|%0A|%3D|correct horse/, 'decoded, and the secret still masked');
      assert.match(await files.locator('[data-testid="ignition-file"][data-path="/etc/hostname"]').innerText(), /^my-pi$/m);

      const json = await page.getByTestId('ignition-preview').innerText();
      assert.match(json, /"source": "data:,%5Bconnection%5D%0Aid%3DWorkshop/, 'the config keeps Ignition\'s encoding');
      assert.match(json, /psk%3D\*{8}/);
      await shotAtWidths(page, 'first-boot-3-preview-files');
    });
  });
});
