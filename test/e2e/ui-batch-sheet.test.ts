/**
 * The sheet a site keeps, in Chromium through the station: three loop-device cards flashed with a
 * device table (hostname, ip, label), then History's "Printable sheet" opens a print view (not a
 * download) with every card's device, serial, hostname, IP, row, label and result, and a QR code
 * per card that zbarimg reads back as the card's hostname, serial and job id, as a phone would.
 * Its label layout prints one 62 x 29 mm page per card; the exported HTML sheet (what
 * `history --batch --html` prints) scans the same, and the label export prints the same pages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Core } from '../../electron/core/app-core';
import type { Station } from '../../electron/station/server';
import { chromiumSkipReason, screenshotPath, type TestBrowser } from '../helpers/browser';
import { coreCalls } from '../helpers/core-calls';
import { createLoopDisk } from '../helpers/loop';
import { provisionFixture } from '../helpers/provision-fixture';
import { pdfPageSizesMm, scanQrCodes } from '../helpers/qr-scan';
import { openStationSession, type StationSession } from '../helpers/station-session';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';

const skip = chromiumSkipReason() ?? loopSkipReason() ?? commandsSkipReason('zbarimg', 'debugfs', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy') ?? false;
const ROWS = [['gw-north', '10.20.0.11/24', 'Pump house'], ['gw-south', '10.20.0.12/24', 'Gate <2>'], ['gw-east', '10.20.0.13/24', 'Tower, top']] as const;

describe('the batch sheet and labels', { skip }, () => {
  let session: StationSession;
  let station: Station;
  let browser: TestBrowser;
  let core: Core;

  before(async () => {
    session = await openStationSession('batch-sheet');
    ({ station, browser, core } = session);
  });
  after(async () => {
    await session?.close();
  });

  /**
   * The page as printed: print media, three times magnified (the layout of a 900 px window on a
   * 2700 px one, ~290 dpi: a label printer's 300 dpi class), so a QR module is several pixels wide
   * as on paper rather than the two of a screen.
   */
  async function printed(page: Page, name: string): Promise<Buffer> {
    const viewport = page.viewportSize() ?? { width: 900, height: 650 };
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: viewport.width * 3, height: viewport.height * 3 });
    await page.evaluate(() => (document.documentElement.style.zoom = '3'));
    try {
      const file = screenshotPath(name);
      return await page.screenshot({ fullPage: true, ...(file ? { path: file } : {}) });
    } finally {
      await page.evaluate(() => (document.documentElement.style.zoom = ''));
      await page.setViewportSize(viewport);
      // Back to no emulation (not 'screen': page.pdf would then print with screen media).
      await page.emulateMedia({ media: null });
    }
  }

  it('prints every card with its QR code; the labels are 62 mm pages, one per card', { timeout: 240_000 }, async () => {
    const { call, flashDone } = coreCalls(() => core);
    const source = await provisionFixture({ layout: 'mbr' });
    const cards = ROWS.map(() => createLoopDisk(source.size, 'fiot-sheet-card-'));
    try {
      const image = session.offer(source.path, 'site.raw');
      for (const card of cards) await call('drives:resolve', { path: card.device });
      const table = { text: `hostname,ip,label\n${ROWS.map((r) => r.map((v) => (v.includes(',') ? `"${v}"` : v)).join(',')).join('\n')}\n`, name: 'site.csv' };
      const { jobId } = await call<{ jobId: string }>('flash:start', { source: image, targets: cards.map((c) => c.device), provisioning: { users: [{ name: 'core', sshAuthorizedKeys: [] }] }, table });
      const result = await flashDone(jobId);
      assert.equal(result.ok, true, JSON.stringify(result.targets.map((t) => t.error)));

      const page = await browser.context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      let downloaded = false;
      page.on('download', () => (downloaded = true));
      await page.goto(station.url);
      await page.getByTestId('history-open').click();
      await page.getByTestId('history-row').first().waitFor();
      await page.getByTestId('batch-print').click();
      await page.getByTestId('print-view').waitFor();
      assert.equal(downloaded, false, 'a print view, not a download');
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'print-now', 'the keyboard is in the print view');

      const rows = page.getByTestId('print-row');
      assert.equal(await rows.count(), 3);
      for (const [i, [hostname, ip, label]] of ROWS.entries()) {
        const cells = await rows.nth(i).locator('td').allInnerTexts();
        assert.deepEqual(cells.slice(0, 9), [String(i + 1), cards[i]!.device, 'loop device', cards[i]!.backingFile, hostname, ip, `${i + 1} (line ${i + 2})`, label, 'verified']);
      }
      const sheet = await printed(page, 'batch-sheet-a4');
      const expected = ROWS.map(([hostname], i) => `hostname: ${hostname}\nserial: ${cards[i]!.backingFile}\njob: ${jobId}`);
      assert.deepEqual(scanQrCodes(sheet).sort(), [...expected].sort(), 'each QR code reads as its card');
      const a4 = pdfPageSizesMm(await page.pdf({ preferCSSPageSize: true }));
      assert.deepEqual(a4, [[210, 297]], 'one A4 page for three cards');

      await page.getByTestId('print-layout-labels').click();
      assert.equal(await page.getByTestId('print-label').count(), 3);
      assert.match(await page.getByTestId('print-label').nth(1).innerText(), /gw-south[\s\S]*10\.20\.0\.12\/24[\s\S]*row 2 \(line 3\) · Gate <2>/);
      const labels = await printed(page, 'batch-labels-62mm');
      assert.deepEqual(scanQrCodes(labels).sort(), [...expected].sort());
      assert.deepEqual(pdfPageSizesMm(await page.pdf({ preferCSSPageSize: true })), [[62, 29], [62, 29], [62, 29]], 'one 62 x 29 mm label per card');
      await page.getByTestId('print-close').click();
      assert.equal(await page.getByTestId('print-view').count(), 0);
      await page.waitForFunction(() => document.activeElement !== document.body);
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'batch-print', 'closed, the keyboard is back on the button that opened it');
      assert.deepEqual(pageErrors, []);

      // The exported sheet and labels (what `history --batch --html / --labels` prints), in a page of their own.
      const exported = await browser.context.newPage();
      const html = await call<{ text: string }>('history:batch', { jobId, format: 'html' });
      assert.ok(html.text.includes('Gate &#60;2&#62;') && !html.text.includes('Gate <2>'), 'user text is escaped');
      await exported.setContent(html.text);
      assert.deepEqual(scanQrCodes(await printed(exported, 'batch-sheet-exported')).sort(), [...expected].sort());
      const labelPage = await call<{ text: string }>('history:batch', { jobId, format: 'labels' });
      await exported.setContent(labelPage.text);
      assert.deepEqual(pdfPageSizesMm(await exported.pdf({ preferCSSPageSize: true })), [[62, 29], [62, 29], [62, 29]]);
      const csv = await call<{ text: string }>('history:batch', { jobId, format: 'csv' });
      const [header, second] = csv.text.split('\r\n');
      assert.equal(header, 'card,device,model,serial,hostname,ip,row,label,result,error_code,job_id,checkin,came_up_at,came_up_address,table_row,old_data');
      assert.equal(second, `1,${cards[0]!.device},loop device,${cards[0]!.backingFile},gw-north,10.20.0.11/24,2,Pump house,verified,,${jobId},,,,1,erased`, 'the row column keeps the table line scripts read; table_row is the device row');
      await exported.close();
      await page.close();
    } finally {
      for (const card of cards) card.dispose();
    }
  });
});
