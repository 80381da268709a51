/**
 * The History view in Chromium through the station: a card flashed by the station's core appears
 * in the open view (it reloads on flash:done), and Export CSV downloads the same rows.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Core } from '../../electron/core/app-core';
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
});
