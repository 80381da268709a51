/**
 * A field tech's device table across a reload, in Chromium through the station, as they would
 * report it: the board and the table (its rows, its file name, which rows are written) come back
 * after the page reloads, so the Write step still names each card by its row; rows written are
 * counted wherever the table is summarised (First boot, its step in the list, the preview, the
 * card bench); rows are named one way ("row 1 (line 2)") in the app, the result and History; the
 * rows' missing gateway and DNS are filled in one click; and a table that could not be kept
 * stops the write with what to do, never writing a card without the name the plan promised.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Fixture } from '../fixtures/fixture';
import { shotAtWidths } from '../helpers/a11y';
import { chromiumSkipReason } from '../helpers/browser';
import { createLoopDisk } from '../helpers/loop';
import { provisionFixture } from '../helpers/provision-fixture';
import { ED25519_KEY } from '../helpers/ssh-keys';
import { openStationSession, type StationSession } from '../helpers/station-session';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { addTarget, chooseBoard, chooseOfferedImage, confirmErase } from '../helpers/ui-steps';
import { offlineCatalogEnv } from '../helpers/walk';

const skip = loopSkipReason() ?? chromiumSkipReason() ?? commandsSkipReason('xz', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy');

/** 12 devices named `${site}-01` …, as the spreadsheet exported them: addresses, no gateway or DNS column. */
function sitesCsv(site: string): string {
  const rows = Array.from({ length: 12 }, (_, i) => `${site}-${String(i + 1).padStart(2, '0')},10.20.0.${11 + i}/24`);
  return ['hostname,ip', ...rows].join('\r\n') + '\r\n';
}

const continueButton = (page: Page) => page.getByTestId('step-continue');
const continueEnabled = (page: Page) => page.waitForFunction(() => !(document.querySelector('[data-testid="step-continue"]') as HTMLButtonElement | null)?.disabled);
const previewedFile = (page: Page, file: string) => page.locator(`[data-testid="ignition-file"][data-path="${file}"] pre`).innerText();

describe('the device table across a reload, in Chromium through the station', { skip: skip ?? false }, () => {
  let session: StationSession;
  let dataDir: string;
  let arm: Fixture;
  let offered: string;

  before(async () => {
    if (skip) return;
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-table-reload-'));
    const env = await offlineCatalogEnv(dataDir);
    [arm, session] = await Promise.all([provisionFixture({ layout: 'mbr', xz: true }), openStationSession('table-reload', env)]);
    offered = path.basename(session.offer(arm.xzPath!, 'pumps.raw.xz'));
  });
  after(async () => {
    await session?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Board, image, First boot with a user and the table pasted as sites.csv; the page is left on First boot. */
  async function tableOnFirstBoot(page: Page, site: string): Promise<void> {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(session.station.url);
    await chooseBoard(page, /^Raspberry Pi 4/);
    await chooseOfferedImage(page, offered);
    await continueButton(page).click();
    await page.getByTestId('provisioning-enabled').check();
    await page.getByLabel('User name', { exact: true }).fill('tech');
    await page.getByLabel('SSH public keys (one per line)').fill(ED25519_KEY);
    await page.getByTestId('table-file').setInputFiles({ name: 'sites.csv', mimeType: 'text/csv', buffer: Buffer.from(sitesCsv(site)) });
    await page.getByTestId('table-summary').waitFor();
  }

  /** From First boot to the Write step with `device` ticked. */
  async function toWrite(page: Page, device: string): Promise<void> {
    await continueEnabled(page);
    await continueButton(page).click();
    const row = page.locator(`[data-testid="drive-row"][data-device="${device}"]`);
    if (!(await row.count())) await addTarget(page, device);
    const tick = row.getByRole('checkbox');
    if (!(await tick.isChecked())) await tick.check();
    await continueEnabled(page);
    await continueButton(page).click();
    await page.getByTestId('write-plan').waitFor();
  }

  it('keeps the board and the table through a reload; the next row and the rows left are shown everywhere, named one way', { timeout: 240_000 }, async () => {
    const card = createLoopDisk(arm.size);
    const page = await session.browser.context.newPage();
    try {
      await tableOnFirstBoot(page, 'site-pump');
      // Empty fields show a grey example, never one that reads as a value, and the button says what it waits for.
      const waiting = page.getByTestId('table-reach-fill');
      assert.equal(await waiting.getByTestId('table-fill-gateway').inputValue(), '');
      assert.match((await waiting.getByTestId('table-fill-gateway').getAttribute('placeholder')) ?? '', /^e\.g\. /);
      assert.ok(await waiting.getByTestId('table-fill-apply').isDisabled());
      assert.match(await waiting.getByTestId('table-fill-waits').innerText(), /Type your router's address first/);

      // The gateway typed in the form is for the form's own address: beside the table it is offered for every row in one click.
      await page.getByTestId('profile-advanced').locator('summary').click();
      await page.getByLabel('Gateway', { exact: true }).fill('10.20.0.1');
      await page.getByLabel('DNS servers', { exact: true }).fill('10.20.0.1');
      assert.match(await page.getByTestId('static-ip-reach').innerText(), /For a device table’s rows, use “Use this gateway … for every row without one” under the table/);
      const fill = page.getByTestId('table-reach-fill');
      assert.equal(await fill.getByTestId('table-fill-gateway').inputValue(), '10.20.0.1');
      assert.equal(await fill.getByTestId('table-fill-dns').inputValue(), '10.20.0.1');
      // A gateway off the rows' network is refused, naming the lines and their network, as the command line does.
      await fill.getByTestId('table-fill-gateway').fill('192.168.7.1');
      assert.match(await fill.getByTestId('table-fill-outside').innerText(), /^192\.168\.7\.1 is not on the network of lines 2–13 \(10\.20\.0\.0\/24\): a device reaches its gateway only on its own network\. Type the router of their network \(often 10\.20\.0\.1\)/);
      assert.ok(await fill.getByTestId('table-fill-apply').isDisabled());
      await fill.getByTestId('table-fill-gateway').fill('10.20.0.1');
      assert.equal(await fill.getByTestId('table-fill-outside').count(), 0);
      await shotAtWidths(page, 'table-reload-0-gateway-fill');
      await fill.getByRole('button', { name: 'Use this gateway and these DNS servers for every row without them' }).click();
      await page.getByTestId('table-reach').waitFor({ state: 'detached' });
      await page.locator('.preview-details > summary').click();
      assert.match(await previewedFile(page, '/etc/NetworkManager/system-connections/wired-static.nmconnection'), /^address1=10\.20\.0\.11\/24,10\.20\.0\.1$[\s\S]*^dns=10\.20\.0\.1;$/m);
      assert.match(await page.locator('.preview-details > summary').innerText(), /for the card of row 1 \(line 2 of sites\.csv\): site-pump-01 \(Ignition spec/);
      assert.equal(await page.getByTestId('preview-row').locator('option:checked').innerText(), 'Row 1 (line 2): site-pump-01');

      // One card written: the Write step and the result name its row one way.
      await toWrite(page, card.device);
      assert.match(await page.getByTestId('plan-board').innerText(), /^Raspberry Pi 4/);
      const planned = page.getByTestId('batch-card');
      await planned.first().waitFor();
      assert.match(await planned.first().innerText(), /site-pump-01\s+1 \(line 2\)/);
      await page.getByTestId('flash-button').click();
      await confirmErase(page);
      const outcome = page.locator('[data-testid="result-success"], [data-testid="result-failure"]');
      await outcome.waitFor({ timeout: 150_000 });
      assert.equal(await outcome.getAttribute('data-testid'), 'result-success', await outcome.innerText());
      assert.equal(await page.getByTestId('target-table-line').innerText(), 'Row 1 (line 2)');

      // First boot, its step in the list, and the preview count the row written.
      await page.getByTestId('nav-provisioning').click();
      const summary = page.getByTestId('profile-summary');
      await summary.filter({ hasText: 'next is row 2' }).waitFor();
      assert.match(await summary.innerText(), /12 devices from sites\.csv: site-pump-01 … site-pump-12, one per card; 1 written, next is row 2 \(site-pump-02\), 11 left/);
      assert.match(await page.getByTestId('nav-provisioning').innerText(), /11 of 12 left in sites\.csv/);
      assert.equal(await page.getByTestId('preview-row').locator('option:checked').innerText(), 'Row 2 (line 3): site-pump-02');
      assert.equal(await page.getByTestId('preview-row').locator('option').first().innerText(), 'Row 1 (line 2): site-pump-01 (written)');
      await page.getByTestId('tool-open-bench').click();
      assert.match(await page.getByTestId('bench-values').innerText(), /1 written, next is row 2 \(site-pump-02\), 11 left/);
      await page.getByTestId('tool-close').click();

      // The reload: the board, the table and its progress are all still there.
      await page.reload();
      await summary.filter({ hasText: 'next is row 2' }).waitFor();
      assert.doesNotMatch(await summary.innerText(), /hostname unchanged/);
      assert.match(await page.getByTestId('nav-provisioning').innerText(), /11 of 12 left in sites\.csv/);
      assert.equal(await page.getByTestId('table-summary').innerText(), 'sites.csv: 12 devices, used in order from the first unused row: 1 written, next is row 2 (site-pump-02), 11 left.');
      await shotAtWidths(page, 'table-reload-1-first-boot-after-reload');
      await toWrite(page, card.device);
      assert.match(await page.getByTestId('plan-board').innerText(), /^Raspberry Pi 4/, 'the board is kept');
      await planned.first().filter({ hasText: 'site-pump-02' }).waitFor();
      assert.match(await planned.first().innerText(), /site-pump-02\s+2 \(line 3\)/);
      assert.equal(await page.getByTestId('rows-left').innerText(), '11 unused rows in the table before this batch.');
      assert.equal(await page.getByTestId('flash-button').isDisabled(), false);
      await shotAtWidths(page, 'table-reload-2-write-after-reload');

      // History names the row the same way.
      await page.getByTestId('history-open').click();
      assert.equal(await page.getByTestId('history-table-row').first().innerText(), 'Row 1 (line 2)');
    } finally {
      await page.close();
      card.dispose();
    }
  });

  it('a table the browser could not keep stops the write after a reload and says to import it again', { timeout: 120_000 }, async () => {
    const card = createLoopDisk(arm.size);
    const page = await session.browser.context.newPage();
    try {
      // A nearly full web storage: the page's draft fits, but not with the table's rows in it.
      await page.addInitScript(() => {
        const setItem = Storage.prototype.setItem;
        Storage.prototype.setItem = function (key: string, value: string) {
          if (value.includes('well-01')) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          setItem.call(this, key, value);
        };
      });
      await tableOnFirstBoot(page, 'well');
      await toWrite(page, card.device);
      await page.getByTestId('batch-card').first().filter({ hasText: 'well-01' }).waitFor();

      await page.reload();
      const blocker = page.getByTestId('batch-blocker');
      await blocker.waitFor();
      assert.equal(await blocker.innerText(), 'The device table sites.csv could not be brought back after the page reloaded, so the cards would get no names or addresses from it: import it again in the First boot step (or remove it there) before writing.');
      assert.equal(await page.getByTestId('flash-button').isDisabled(), true);
      // The first-boot line does not promise the table's rows either.
      assert.match(await page.getByTestId('plan-provisioning').innerText(), /the device table sites\.csv, once imported again/);
      await shotAtWidths(page, 'table-reload-3-table-not-kept');
      await page.getByTestId('tool-open-bench').click();
      assert.match(await page.getByTestId('bench-blocker').innerText(), /^The device table sites\.csv could not be brought back/);
      assert.equal(await page.getByTestId('bench-switch').isDisabled(), true);
      await page.getByTestId('tool-close').click();

      assert.match(await page.getByTestId('nav-provisioning').innerText(), /Import sites\.csv again/);
      await page.getByRole('button', { name: 'Go to the device table' }).click();
      assert.match(await page.getByTestId('table-lost').innerText(), /^Import sites\.csv again/);
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'table-file', 'the keyboard is on the file picker');
      assert.match(await page.getByTestId('profile-summary').innerText(), /the device table sites\.csv, once imported again/);
      assert.equal(await continueButton(page).isDisabled(), true);
      await page.getByTestId('table-file').setInputFiles({ name: 'sites.csv', mimeType: 'text/csv', buffer: Buffer.from(sitesCsv('well')) });
      await page.getByTestId('table-summary').waitFor();
      assert.equal(await page.getByTestId('table-lost').count(), 0);
      await toWrite(page, card.device);
      await page.getByTestId('batch-card').first().filter({ hasText: 'well-01' }).waitFor();
      assert.equal(await blocker.count(), 0);
      assert.equal(await page.getByTestId('flash-button').isDisabled(), false);
    } finally {
      await page.close();
      card.dispose();
    }
  });
});
