/**
 * The History view in Chromium through the station: a card flashed by the station's core appears
 * in the open view (it reloads on flash:done), and Export CSV downloads the same rows; times read
 * the same in the rows, the batch picker and the printed sheet.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Core } from '../../electron/core/app-core';
import { appendEntries } from '../../electron/core/history';
import type { HistoryEntry } from '../../shared/domain/history';
import type { Station } from '../../electron/station/server';
import { chromiumSkipReason, screenshotPath, type TestBrowser } from '../helpers/browser';
import { openStationSession, type StationSession } from '../helpers/station-session';

describe('the History view in Chromium', { skip: chromiumSkipReason() ?? false }, () => {
  let session: StationSession;
  let station: Station;
  let browser: TestBrowser;
  let core: Core;

  before(async () => {
    session = await openStationSession('history');
    ({ station, browser, core } = session);
  });

  after(async () => {
    await session?.close();
  });

  it('shows a card as soon as it is written and exports it as CSV', { timeout: 120_000 }, async () => {
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(station.url);
    await page.getByTestId('history-open').click();
    // The list loads after the view opens: wait for the empty state rather than reading too early.
    await page.getByTestId('history-view').getByText(/No cards have been written yet/).waitFor();
    assert.equal(await page.getByTestId('history-export').isDisabled(), true);

    const image = path.join(session.imagesDir, 'bench-card.raw');
    writeFileSync(image, randomBytes(1024 * 1024));
    const target = path.join(session.imagesDir, 'written.img');
    assert.ok((await core.router.handle('drives:resolve', { path: target })).ok);
    const answer = await core.router.handle('flash:start', { source: image, targets: [target] });
    assert.ok(answer.ok);

    const row = page.getByTestId('history-row');
    await row.first().waitFor({ timeout: 60_000 });
    assert.equal(await row.count(), 1);
    assert.equal(await row.first().getAttribute('data-result'), 'verified');
    assert.match(await row.first().innerText(), new RegExp(`${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}[\\s\\S]*bench-card\\.raw[\\s\\S]*Verified`));
    // The card's digest, named for what it covers: the image's data as written, not the file's nor the card's hash.
    const digest = row.first().getByTestId('history-written-hash');
    assert.match(await digest.innerText(), /^image data [0-9a-f]{12}…$/);
    assert.match(await digest.getAttribute('title') ?? '', /^SHA-256 of the image data written: [0-9a-f]{64}\. The SHA-256 of the image data written covers the image’s bytes as written .*first-boot settings are not in it/);
    const shot = screenshotPath('history-1-list');
    if (shot) await page.screenshot({ path: shot, fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('history-export').click()]);
    assert.match(download.suggestedFilename(), /^fiot-flash-history-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
    assert.match(csv[0]!, /^time,hostname,device,/);
    assert.ok(csv[1]!.includes(`,${target},`) && csv[1]!.includes(',verified,'), csv[1]);

    await page.getByTestId('history-close').click();
    await page.getByTestId('step-image').waitFor();
    assert.deepEqual(pageErrors, []);
  });

  it('fits an 800 px window: every card with its address beside its name, long paths wrapped, the result in sight', { timeout: 60_000 }, async () => {
    // Cards a field tech wrote from the command line on this machine, from a table, awaiting their first boot.
    const entries: HistoryEntry[] = [1, 2].map((card) => ({
      time: new Date(Date.UTC(2026, 11, 7, 10, card)).toISOString(), jobId: 'cli-job-1', card,
      source: { given: '/home/sam/Downloads/Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz' }, imageSize: 6 * 2 ** 30,
      device: { path: `/dev/loop${40 + card}`, description: `Loop device over /tmp/a/rather/long/folder/of/cards/site-pump-${card}.img`, size: 8.59e9, kind: 'loop', model: 'SanDisk_Extreme_PRO_SDXC_UHS-I_Card_Reader_USB3.2Gen1', serial: `0401b5f2e6c1a9d8f0e3c7b2a1d4f6e8c9b0a1d2e3f4a5b6c7d8e9f0a1b2c3d${card}` },
      hostname: `site-pump-0${card}`, tableLine: card + 1, ip: `10.20.0.${10 + card}/24`,
      provisioning: { mode: 'config', users: ['tech'] }, result: 'verified', durationMs: 61_000,
    }));
    await appendEntries(path.join(session.dataDir, 'config'), entries);
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 800, height: 800 });
    await page.goto(station.url);
    await page.getByTestId('history-open').click();
    await page.getByTestId('history-ip').first().waitFor();
    assert.deepEqual((await page.getByTestId('history-ip').allInnerTexts()).slice(0, 2).sort(), ['10.20.0.11/24', '10.20.0.12/24']);
    const overflow = await page.locator('.history-scroll').evaluate((el) => el.scrollWidth - el.clientWidth);
    assert.ok(overflow <= 0, `the table is ${overflow} px wider than the window: a column is out of sight`);
    const result = await page.getByTestId('history-row').first().locator('.history-result').boundingBox();
    assert.ok(result && result.x + result.width <= 800, 'the result is inside the window');
    assert.match(await page.getByTestId('history-row').first().innerText(), /took 1 min/);
    const shot = screenshotPath('history-2-800px');
    if (shot) await page.screenshot({ path: shot, fullPage: true });

    // One way of writing a moment: the row, the batch picker and the printed sheet agree, and the
    // batch is named by its first card's row (10:01), not by when that card began (61 s earlier) nor by its last card.
    assert.match(await page.getByTestId('history-row').filter({ hasText: 'site-pump-02' }).innerText(), /^2026-12-07 10:02 UTC\s/);
    await page.getByTestId('batch-choice').selectOption('cli-job-1');
    assert.match(await page.getByTestId('history-row').filter({ hasText: 'site-pump-01' }).innerText(), /^2026-12-07 10:01 UTC\s/);
    const batchName = 'Batch 2026-12-07 10:01 UTC: 2 cards';
    assert.equal(await page.locator('[data-testid="batch-choice"] option:checked').innerText(), batchName);
    await page.getByTestId('batch-print').click();
    assert.equal(await page.getByTestId('print-sheet').locator('h1').innerText(), batchName);
  });
});
