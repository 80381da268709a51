/**
 * A field tech's device table in the First boot step, in Chromium through the station, as they
 * would report it: the summary names the table's devices (not "hostname unchanged"), the preview
 * shows the config a chosen row's card gets (card 7's hostname and address), and fixed addresses
 * without a gateway or DNS server are warned about in words, beside the table and beside the
 * form's fields, without stopping the write; station mode names the table's devices and warns
 * when they could not reach the check-in address.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { describeFindings, seriousAxeFindings, shotAtWidths } from '../helpers/a11y';
import { chromiumSkipReason } from '../helpers/browser';
import { ED25519_KEY } from '../helpers/ssh-keys';
import { createLoopDisk } from '../helpers/loop';
import { checkinAddresses } from '../../electron/core/checkin/addresses';
import { optionalSkip } from '../helpers/skip';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { addTarget, chooseImage } from '../helpers/ui-steps';
import { openOfflineStation, type OfflineStation } from '../helpers/walk';

const skip = chromiumSkipReason() ?? commandsSkipReason('xz');

const pumps = Array.from({ length: 12 }, (_, i) => ({ hostname: `site-pump-${String(i + 1).padStart(2, '0')}`, ip: `192.168.1.${21 + i}/24` }));

/** The text of a file the previewed config writes, as the preview shows it. */
const previewedFile = (page: Page, file: string) => page.locator(`[data-testid="ignition-file"][data-path="${file}"] pre`).innerText();

const continueEnabled = (page: Page) => page.waitForFunction(() => !(document.querySelector('[data-testid="step-continue"]') as HTMLButtonElement | null)?.disabled);

describe('a device table in the First boot step, in Chromium through the station', { skip: skip ?? false }, () => {
  let station: OfflineStation;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-e2e-table-'));
    station = await openOfflineStation('device-table', { bypassCSP: true });
  });

  after(async () => {
    await station?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh page with the image chosen, on First boot with setup on and a user with a key. */
  async function onFirstBoot(walk: (page: Page) => Promise<void>): Promise<void> {
    const page = await station.session.browser.context.newPage();
    try {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(station.session.station.url);
      await chooseImage(page, station.session.offer(station.fixture.xzPath!));
      await page.getByTestId('step-continue').click();
      await page.getByTestId('provisioning-enabled').check();
      await page.getByLabel('User name', { exact: true }).fill('core');
      await page.getByLabel('SSH public keys (one per line)').fill(ED25519_KEY);
      await walk(page);
    } finally {
      await page.close();
    }
  }

  it('names the table\'s devices in the summary, shows the chosen row\'s config, and warns that addresses without a gateway stay on their subnet', { timeout: 90_000 }, async () => {
    const sites = path.join(dir, 'sites.csv');
    writeFileSync(sites, ['hostname,ip', ...pumps.map((p) => `${p.hostname},${p.ip}`)].join('\r\n') + '\r\n');
    await onFirstBoot(async (page) => {
      await page.getByTestId('table-file').setInputFiles(sites);
      await page.getByTestId('table-summary').waitFor();

      const summary = page.getByTestId('profile-summary');
      await summary.filter({ hasText: '12 devices from sites.csv' }).waitFor();
      assert.match(await summary.innerText(), /^User core, 1 SSH key, 12 devices from sites\.csv: site-pump-01 … site-pump-12, one per card, .*fixed addresses from the table$/);
      assert.doesNotMatch(await summary.innerText(), /hostname unchanged/);
      assert.match(await page.getByTestId('nav-provisioning').innerText(), /12 devices from sites\.csv/);

      const reach = page.getByTestId('table-reach');
      assert.match(await reach.innerText(), /^Lines 2–13 give an address but no gateway \(the router to other networks\) and no DNS server \(which looks up names\): those devices will reach only addresses in 192\.168\.1\.0\/24/);
      assert.match(await reach.innerText(), /Add a gateway column .* and a dns column .* to the table\./);
      await continueEnabled(page);

      // The preview starts on the first row; the picker shows what card 7 gets.
      const picker = page.getByTestId('preview-row');
      assert.equal(await picker.locator('option:checked').innerText(), 'Row 1 (line 2): site-pump-01');
      assert.equal(await picker.locator('option').count(), 12);
      await page.locator('.preview-details > summary').click();
      assert.equal(await previewedFile(page, '/etc/hostname'), 'site-pump-01\n');
      await picker.selectOption({ label: 'Row 7 (line 8): site-pump-07' });
      // No board chosen: the app cannot know whether it writes a card or a USB stick.
      await page.locator('.preview-details > summary').filter({ hasText: 'the card or USB stick of row 7 (line 8 of sites.csv): site-pump-07' }).waitFor();
      assert.equal(await previewedFile(page, '/etc/hostname'), 'site-pump-07\n');
      assert.match(await previewedFile(page, '/etc/NetworkManager/system-connections/wired-static.nmconnection'), /^address1=192\.168\.1\.27\/24$/m);
      assert.match(await page.getByTestId('ignition-preview').innerText(), /site-pump-07%0A/, 'the JSON below is row 7\'s too');
      await shotAtWidths(page, 'device-table-1-row-7');
      // The picker and the warning are read by a screen reader as well as seen (the pages open without their CSP only so axe-core can run).
      const findings = await seriousAxeFindings(page);
      assert.equal(findings.length, 0, describeFindings(findings));

      // With a gateway and DNS servers for every row, nothing is left to warn about.
      const complete = ['hostname,ip,gateway,dns', ...pumps.map((p) => `${p.hostname},${p.ip},192.168.1.1,192.168.1.1 9.9.9.9`)].join('\n');
      await page.getByTestId('table-paste').fill(complete);
      await page.getByTestId('table-use-pasted').click();
      await summary.filter({ hasText: '12 devices from pasted table' }).waitFor();
      assert.equal(await reach.count(), 0);
      assert.match(await previewedFile(page, '/etc/NetworkManager/system-connections/wired-static.nmconnection'), /^dns=192\.168\.1\.1;9\.9\.9\.9;$/m);
    });
  });

  it('station mode with a table to correct says so, not "Choose an image" beside the chosen image', { timeout: 60_000 }, async () => {
    await onFirstBoot(async (page) => {
      await page.getByTestId('table-paste').fill(['hostname,ip', ...pumps.map((p) => `${p.hostname},${p.ip.replace('/24', '')}`)].join('\n'));
      await page.getByTestId('table-use-pasted').click();
      await page.getByTestId('table-problems').waitFor();
      await page.getByTestId('tool-open-bench').click();
      assert.match(await page.getByTestId('bench-view').innerText(), /Image: fixture\.img\.xz/);
      assert.equal(await page.getByTestId('bench-blocker').innerText(), 'The device table needs correcting first: its problems are listed under it in the First boot step.');
      assert.equal(await page.getByTestId('bench-switch').isDisabled(), true);
      assert.equal(await page.getByTestId('bench-values').innerText(), 'Rows of pasted table, in order.');
    });
  });

  it('the Write step names the cards by their rows, not by the form\'s hostname pattern the rows replace', { skip: loopSkipReason() ?? false, timeout: 90_000 }, async () => {
    const cards = [createLoopDisk(station.fixture.size), createLoopDisk(station.fixture.size)];
    try {
      await onFirstBoot(async (page) => {
        await page.getByLabel('Hostname', { exact: true }).fill('pump-{n:02}');
        await page.getByTestId('table-paste').fill(['hostname,ip,gateway,dns', ...pumps.map((p) => `${p.hostname},${p.ip},192.168.1.1,192.168.1.1`)].join('\n'));
        await page.getByTestId('table-use-pasted').click();
        await page.getByTestId('table-summary').waitFor();
        await continueEnabled(page);
        await page.getByTestId('step-continue').click();
        for (const card of cards) await addTarget(page, card.device);
        await page.getByTestId('step-continue').click();
        const plan = page.getByTestId('plan-provisioning');
        assert.match(await plan.innerText(), /^User core, 1 SSH key, the next unused rows of pasted table, one per card \(listed below\), time zone UTC, fixed addresses from the table(, reports to this computer when it comes up)?$/);
        const rows = page.getByTestId('batch-card');
        await rows.nth(1).waitFor();
        assert.match(await rows.nth(0).innerText(), /site-pump-01\s+1 \(line 2\)/);
        assert.match(await rows.nth(1).innerText(), /site-pump-02\s+2 \(line 3\)/);
        await shotAtWidths(page, 'device-table-4-write-step');
      });
    } finally {
      for (const card of cards) card.dispose();
    }
  });

  it('in station mode, warns that devices without a gateway cannot reach a check-in address off their subnet', { timeout: 60_000 }, async (t) => {
    // An address of this machine outside the table's 192.168.1.0/24 (loopback is never offered).
    const outside = checkinAddresses().addresses.find((a) => !a.startsWith('192.168.1.'));
    if (!outside) return t.skip(optionalSkip('this machine has no network address outside 192.168.1.0/24 but loopback'));
    await onFirstBoot(async (page) => {
      const table = (gateway: string) => [`hostname,ip${gateway ? ',gateway' : ''}`, ...pumps.map((p) => `${p.hostname},${p.ip}${gateway ? `,${gateway}` : ''}`)].join('\n');
      await page.getByTestId('table-paste').fill(table(''));
      await page.getByTestId('table-use-pasted').click();
      await page.getByTestId('table-summary').waitFor();
      await page.getByTestId('tool-open-bench').click();
      assert.equal(await page.getByTestId('bench-values').innerText(), '12 devices from pasted table: site-pump-01 … site-pump-12, one per card, in the order the cards go in.');
      // The devices could not reach this computer: check-in is off by default, and the note says why.
      const toggle = page.getByTestId('checkin-toggle');
      const reach = page.getByTestId('checkin-reach');
      assert.equal(await toggle.isChecked(), false, 'not on by default with an address the devices cannot reach');
      assert.match(await reach.innerText(), /^All 12 devices have a fixed address in 192\.168\.1\.0\/24 and no gateway .* so they cannot reach \S+ to say they came up\. So it is off\. To use it, switch it on and pick this computer’s address on their network, or give the rows a gateway: .*\.$/);
      await toggle.check();
      await page.getByTestId('checkin-address').selectOption(outside);
      assert.equal(await reach.innerText(), `All 12 devices have a fixed address in 192.168.1.0/24 and no gateway (the router to other networks), so they cannot reach ${outside} to say they came up. Pick this computer’s address on their network, or give the rows a gateway: in the First boot step, “Use this gateway … for every row without one” under the device table, or a gateway column in the table.`);
      await shotAtWidths(page, 'device-table-3-checkin-reach');

      // Given a gateway, the devices can reach beyond their subnet: nothing to say.
      await page.getByTestId('tool-close').click();
      await page.getByTestId('table-paste').fill(table('192.168.1.1'));
      await page.getByTestId('table-use-pasted').click();
      await page.getByTestId('profile-summary').filter({ hasText: 'pasted table' }).waitFor();
      await page.getByTestId('tool-open-bench').click();
      await page.getByTestId('checkin-address').selectOption(outside);
      assert.equal(await reach.count(), 0);
    });
  });

  it('warns beside the fixed address fields when the gateway or DNS servers are empty, without stopping the write', { timeout: 60_000 }, async () => {
    await onFirstBoot(async (page) => {
      await page.getByLabel('Hostname', { exact: true }).fill('greenhouse');
      await page.getByTestId('profile-advanced').locator('summary').click();
      const reach = page.getByTestId('static-ip-reach');
      // A gateway typed without an address would set nothing: said, not dropped unseen.
      await page.getByLabel('Gateway', { exact: true }).fill('10.20.0.1');
      assert.equal(await reach.innerText(), 'The gateway and DNS servers are used only with an address above. For a device table’s rows, use “Use this gateway … for every row without one” under the table, or its gateway and dns columns.');
      await page.getByLabel('Gateway', { exact: true }).fill('');
      await page.getByLabel('Address with prefix').fill('10.20.0.50/16');
      assert.equal(await reach.innerText(), 'The fixed address 10.20.0.50/16 has no gateway (the router to other networks) and no DNS server (which looks up names): the device will reach only addresses in 10.20.0.0/16 (not the internet for updates or containers, nor a check-in address outside it) and look up no names such as fedoraproject.org. Fill in Gateway (usually the router, such as 192.168.1.1) and DNS servers above, unless the device is meant to stay on this network.');
      await continueEnabled(page);
      await shotAtWidths(page, 'device-table-2-static-ip-reach');

      await page.getByLabel('Gateway', { exact: true }).fill('10.20.0.1');
      await reach.filter({ hasNotText: 'gateway' }).waitFor();
      assert.match(await reach.innerText(), /^The fixed address 10\.20\.0\.50\/16 has no DNS server .* Fill in DNS servers above/);
      await page.getByLabel('DNS servers', { exact: true }).fill('10.20.0.1');
      await reach.waitFor({ state: 'detached' });
    });
  });
});
