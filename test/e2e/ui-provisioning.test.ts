/**
 * First-boot setup as a person does it in the browser: fill the form, watch the preview and the
 * names the next cards get, see a bad SSH key named beside its field, save the profile, then
 * flash two loop devices and read each card's config back with debugfs: same profile, different
 * hostnames, mode 0600, stamp intact.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Station } from '../../electron/station/server';
import { fromDataUrl } from '../../shared/provisioning';
import type { Fixture } from '../fixtures/fixture';
import { provisionFixture } from '../helpers/provision-fixture';
import { debugfs, statMode } from '../helpers/boot-partition';
import { chromiumSkipReason, screenshotPath, type TestBrowser } from '../helpers/browser';
import { createLoopDisk } from '../helpers/loop';
import { ED25519_KEY } from '../helpers/ssh-keys';
import { commandsSkipReason, hasCommand, loopSkipReason } from '../helpers/system';
import { addTarget, chooseImage } from '../helpers/ui-steps';
import { openStationSession, type StationSession } from '../helpers/station-session';

const skip = loopSkipReason() ?? chromiumSkipReason() ?? commandsSkipReason('xz', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'debugfs');

async function shot(page: Page, name: string): Promise<void> {
  const file = screenshotPath(name);
  if (file) await page.screenshot({ path: file, fullPage: true });
}

describe('first-boot setup in Chromium through the station', { skip: skip ?? false }, () => {
  let session: StationSession;
  let station: Station;
  let browser: TestBrowser;
  let fixture: Fixture;

  before(async () => {
    [fixture, session] = await Promise.all([provisionFixture({ xz: true }), openStationSession('provision')]);
    ({ station, browser } = session);
  });

  after(async () => {
    await session?.close();
  });

  it('fills the form, flashes two cards, and each card gets its own hostname', { timeout: 240_000 }, async () => {
    const cards = [createLoopDisk(fixture.size), createLoopDisk(fixture.size)];
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(station.url);
      await chooseImage(page, session.offer(fixture.xzPath!));
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByTestId('step-provisioning').waitFor();

      await page.getByTestId('provisioning-enabled').check();
      await page.getByLabel('Hostname', { exact: true }).fill('fleet-{n:03}');
      await page.getByLabel('User name', { exact: true }).fill('core');
      await page.getByLabel('SSH public keys (one per line)').fill('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMnoEkZFkFq');
      await page.getByLabel('Network name (SSID)', { exact: true }).fill('Workshop');
      await page.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
      await page.getByLabel('Time zone', { exact: true }).fill('Europe/Paris');

      // A cut key is named beside its field, and the way on stays closed.
      const keyError = page.getByTestId('profile-error-sshKeys');
      await keyError.waitFor();
      assert.match(await keyError.innerText(), /^Key 1 /);
      assert.equal(await page.getByRole('button', { name: 'Continue' }).isDisabled(), true);
      await shot(page, 'provision-1-bad-key');

      await page.getByLabel('SSH public keys (one per line)').fill(ED25519_KEY);
      await keyError.waitFor({ state: 'detached' });
      const preview = page.getByTestId('ignition-preview');
      await page.waitForFunction(() => document.querySelector('[data-testid="ignition-preview"]')?.textContent?.includes('fleet-001'));
      assert.match(await page.getByTestId('hostname-preview').innerText(), /fleet-001, fleet-002, fleet-003/);
      // The JSON is folded under the plain summary: open it as a person would.
      await page.locator('.preview-details > summary').click();
      const previewText = await preview.innerText();
      assert.match(previewText, /"version": "3.3.0"/);
      assert.match(previewText, /wifi-Workshop\.nmconnection/);
      await shot(page, 'provision-2-form');

      await page.getByTestId('profile-save-name').fill('Workshop fleet');
      await page.getByTestId('profile-save').click();
      await page.locator('[data-testid="saved-profile-select"] option', { hasText: 'Workshop fleet' }).waitFor({ state: 'attached' });
      assert.equal(readdirSync(path.join(session.dataDir, 'config', 'profiles')).length, 1);

      await page.getByRole('button', { name: 'Continue' }).click();
      for (const card of cards) await addTarget(page, card.device);
      await page.getByRole('button', { name: 'Continue' }).click();
      // The last look before erasing names every first-boot setting, the passphrase only as hidden.
      const plan = page.getByTestId('plan-provisioning');
      const settings = 'User core, 1 SSH key, hostnames fleet-001, fleet-002, Wi-Fi Workshop (passphrase hidden), time zone Europe/Paris';
      const checkin = page.getByTestId('checkin-toggle');
      if (await checkin.isChecked()) {
        assert.equal(await plan.innerText(), `${settings}, reports to this computer when it comes up`);
        await checkin.uncheck();
      }
      await plan.filter({ hasNotText: 'reports' }).waitFor();
      assert.equal(await plan.innerText(), settings);
      await shot(page, 'provision-2-write-plan');
      await page.getByTestId('flash-button').click();
      await page.getByRole('dialog').getByRole('button', { name: 'Erase and write' }).click();
      const outcome = page.locator('[data-testid="result-success"], [data-testid="result-failure"]');
      await outcome.waitFor({ timeout: 200_000 });
      await shot(page, 'provision-3-result');
      assert.equal(await outcome.getAttribute('data-testid'), 'result-success', await outcome.innerText());

      const boot = fixture.partitions.find((p) => p.label === 'boot')!;
      for (const [i, card] of cards.entries()) {
        const text = debugfs(card.device, boot, 'cat /ignition/config.ign');
        const config = JSON.parse(text) as { storage: { files: Array<{ path: string; mode: number; contents: { source: string } }> }; passwd: { users: Array<{ sshAuthorizedKeys: string[] }> } };
        const hostname = config.storage.files.find((f) => f.path === '/etc/hostname')!;
        assert.equal(fromDataUrl(hostname.contents.source), `fleet-00${i + 1}\n`, `${card.device} has its own hostname`);
        assert.deepEqual(config.passwd.users[0]!.sshAuthorizedKeys, [ED25519_KEY]);
        const wifi = config.storage.files.find((f) => f.path.endsWith('wifi-Workshop.nmconnection'))!;
        assert.equal(wifi.mode, 384);
        assert.match(fromDataUrl(wifi.contents.source)!, /psk=correct horse battery/);
        assert.deepEqual(statMode(card.device, boot, '/ignition/config.ign'), { type: 'regular', mode: '0600', user: '0' });
        assert.match(debugfs(card.device, boot, 'cat /ignition.firstboot'), /^set ignition_network_kcmdline=/);
        if (hasCommand('ignition-validate')) assert.equal(spawnSync('ignition-validate', ['-'], { input: text }).status, 0);
      }
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.close();
      for (const card of cards) card.dispose();
    }
  });
});
