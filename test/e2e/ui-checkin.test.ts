/**
 * "greenhouse-1 came up at 10:32 on …: ssh maya@…" in Chromium through the station: two cards
 * written as a batch (check-in on by default, at the address offered first: this machine's LAN
 * address, never loopback), the result says each is awaited; then card 1's config, read off the card, is applied by
 * the real Ignition into a scratch root and the unit's command runs there (the device boots), and
 * the page says it came up. The time from the report reaching the station to the line on the page
 * is measured in the page itself. Then station mode: a card inserted is written, its tile waits
 * for the device, and says "Came up" once it reported. Last, History after a card written by hand
 * since: it opens on the card bench batch, and its printable sheet and CSV say when the device
 * came up (`history --batch last` names the same batch).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { CHECKIN_UNIT } from '../../shared/provisioning';
import type { CardCheckin } from '../../shared/domain/checkin';
import type { HistoryEntry } from '../../shared/domain/history';
import type { Fixture } from '../fixtures/fixture';
import { debugfs } from '../helpers/boot-partition';
import { describeFindings, seriousAxeFindings } from '../helpers/a11y';
import { chromiumSkipReason, screenshotPath, watchedPage } from '../helpers/browser';
import { attachNewCard, createLoopDisk, type LoopDevice } from '../helpers/loop';
import { provisionFixture } from '../helpers/provision-fixture';
import { applyWithIgnition, realIgnitionSkipReason } from '../helpers/real-ignition';
import { runInRoot } from '../helpers/scratch-root-run';
import { ED25519_KEY } from '../helpers/ssh-keys';
import { commandsSkipReason, loopSkipReason, reachableAddressSkipReason } from '../helpers/system';
import { addTarget, chooseImage } from '../helpers/ui-steps';
import { coreCalls } from '../helpers/core-calls';
import { runCli } from '../helpers/run-cli';
import { openStationSession, type StationSession } from '../helpers/station-session';

const skip = loopSkipReason() ?? chromiumSkipReason() ?? realIgnitionSkipReason() ?? reachableAddressSkipReason() ??
  commandsSkipReason('sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'debugfs', 'curl', 'ip', 'unshare', 'chroot');

describe('check-in in the app: the result says which device came up', { skip: skip ?? false }, () => {
  let session: StationSession;
  let fixture: Fixture;
  let cardDir: string;

  before(async () => {
    // The card readers' stand-in for station mode: loop devices over files here are removable cards.
    cardDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-checkin-readers-'));
    [fixture, session] = await Promise.all([provisionFixture({ layout: 'mbr' }), openStationSession('checkin', { FIOT_TEST_CARD_DIR: cardDir }, { bypassCSP: true })]);
  });

  after(async () => {
    await session?.core.checkins.close();
    await session?.close();
    rmSync(cardDir, { recursive: true, force: true });
  });

  /** The image chosen, then first-boot setup: the hostname pattern, and maya with a key. */
  async function imageAndFirstBoot(page: Page, hostname: string): Promise<void> {
    await chooseImage(page, session.offer(fixture.path));
    await page.getByTestId('step-continue').click();
    await page.getByTestId('provisioning-enabled').check();
    await page.getByLabel('Hostname', { exact: true }).fill(hostname);
    await page.getByLabel('User name', { exact: true }).fill('maya');
    await page.getByLabel('SSH public keys (one per line)').fill(ED25519_KEY);
  }

  /** The device boots: its config, off the card, applied by real Ignition, then the unit's command run in that root. */
  async function bootDevice(device: string): Promise<void> {
    const boot = fixture.partitions.find((p) => p.label === 'boot')!;
    const root = applyWithIgnition(debugfs(device, boot, 'cat /ignition/config.ign'));
    try {
      const unit = readFileSync(path.join(root.root, 'etc/systemd/system', CHECKIN_UNIT), 'utf8');
      const ran = await runInRoot(root.root, /^ExecStart=(.+)$/m.exec(unit)![1]!.split(' '));
      assert.equal(ran.status, 0, `the check-in script: ${ran.stdout}${ran.stderr}`);
    } finally {
      root.dispose();
    }
  }

  it('shows "came up … ssh maya@…" once the device reports', { timeout: 300_000 }, async () => {
    const cards = [createLoopDisk(fixture.size), createLoopDisk(fixture.size)];
    const page = await session.browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(session.station.url);
      await imageAndFirstBoot(page, 'greenhouse-{n}');
      await page.getByText('(next card: 1)').waitFor();
      await page.getByTestId('step-continue').click();
      for (const card of cards) await addTarget(page, card.device);
      await page.getByTestId('step-continue').click();

      // A batch: on by default, at the likeliest LAN address (the device, booted on this machine here, reaches it too).
      const toggle = page.getByTestId('checkin-toggle');
      assert.equal(await toggle.isChecked(), true, 'check-in is on by default for a batch');
      assert.doesNotMatch(await page.getByTestId('checkin-address').inputValue(), /^(127\.|::1$)/);
      // The page is opened without its CSP only so axe-core can be injected.
      const planFindings = await seriousAxeFindings(page);
      assert.equal(planFindings.length, 0, describeFindings(planFindings));
      await page.getByTestId('flash-button').click();
      await page.getByRole('dialog').getByRole('button', { name: 'Erase and write' }).click();
      await page.getByTestId('result-success').waitFor({ timeout: 120_000 });
      const line = (device: string) => page.locator(`[data-testid="checkin-line"][data-device="${device}"]`);
      await line(cards[0]!.device).waitFor();
      assert.match(await line(cards[0]!.device).innerText(), /^greenhouse-1: written \d\d:\d\d; it has not called in yet \(the app listens until \d\d:\d\d\)$/);

      // The page notes when the line turns to "came up", by its own clock (the station's is the same machine's).
      // No named functions inside: the test's TypeScript transform would wrap them in a helper the page lacks.
      await page.evaluate((device) => {
        new MutationObserver((_changes, observer) => {
          if (!document.querySelector(`[data-testid="checkin-line"][data-device="${device}"][data-state="came-up"]`)) return;
          (window as unknown as { cameUpAt: number }).cameUpAt = Date.now();
          observer.disconnect();
        }).observe(document.body, { subtree: true, childList: true, attributes: true });
      }, cards[0]!.device);

      await bootDevice(cards[0]!.device);
      const cameUp = page.locator(`[data-testid="checkin-line"][data-device="${cards[0]!.device}"][data-state="came-up"]`);
      await cameUp.waitFor({ timeout: 10_000 });
      const text = await cameUp.innerText();
      assert.match(text, /^greenhouse-1 came up at \d\d:\d\d on (\S+): ssh maya@\1$/);
      assert.match(await line(cards[1]!.device).innerText(), /^greenhouse-2: written \d\d:\d\d; it has not called in yet/, 'the other card is still awaited');
      const resultFindings = await seriousAxeFindings(page);
      assert.equal(resultFindings.length, 0, describeFindings(resultFindings));

      const reported = (await session.core.checkins.list()).find((c: CardCheckin) => c.device === cards[0]!.device)!;
      const shownAt = await page.evaluate(() => (window as unknown as { cameUpAt?: number }).cameUpAt);
      assert.ok(shownAt, 'the page saw the line turn');
      console.log(`check-in: report received -> "came up" on the station page in ${shownAt - Date.parse(reported.report!.time)} ms`);
      const file = screenshotPath('checkin-came-up');
      if (file) await page.screenshot({ path: file, fullPage: true });
      // The history says the same, card by card.
      await page.getByTestId('history-open').click();
      await page.locator('[data-testid="history-checkin"][data-state="came-up"]').waitFor();
      const states = await page.getByTestId('history-checkin').evaluateAll((cells) => cells.map((cell) => `${cell.getAttribute('data-state')} ${cell.textContent}`));
      assert.deepEqual(states.map((state) => state.replace(/\d\d:\d\d on \S+/, 'HH:MM on ADDRESS').replace(/written \d\d:\d\d/, 'written HH:MM')).sort(), ['awaiting written HH:MM; it has not called in yet', 'came-up came up HH:MM on ADDRESS']);
      await page.getByTestId('history-close').click();
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.close();
      for (const card of cards) card.dispose();
    }
  });

  it('station mode: the tile of a written card says "Came up" once its device reported', { timeout: 300_000 }, async () => {
    const page = await session.browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    let card: LoopDevice | null = null;
    try {
      await page.goto(session.station.url);
      // A fresh start, not the first test's draft.
      await page.evaluate(() => window.localStorage.clear());
      await page.reload();
      await imageAndFirstBoot(page, 'shed-{n}');
      await page.getByTestId('tool-open-bench').click();
      assert.equal(await page.getByTestId('checkin-toggle').isChecked(), true, 'station mode checks in by default');
      await page.getByTestId('bench-switch').click();
      await page.getByTestId('bench-count').waitFor();

      card = attachNewCard(path.join(cardDir, 'reader-1.img'), fixture.size);
      const tile = page.locator(`[data-testid="bench-slot"][data-device="${card.device}"]`);
      await page.locator(`[data-testid="bench-slot"][data-device="${card.device}"][data-state="done"]`).waitFor({ timeout: 120_000 });
      const badge = tile.getByTestId('checkin-badge');
      await badge.waitFor();
      assert.match(await badge.innerText(), /^Written \d\d:\d\d; it has not called in yet$/, 'what is known, not a wait that may never end');

      await bootDevice(card.device);
      await tile.locator('[data-testid="checkin-badge"][data-state="came-up"]').waitFor({ timeout: 10_000 });
      assert.equal(await badge.innerText(), 'Came up');
      // The session's card is the same card in the history, check-in included.
      const history = await session.core.router.handle('history:list', {});
      const entries = (history as { value: { entries: HistoryEntry[] } }).value.entries;
      assert.equal(entries.find((e) => e.device.path === card!.device && e.hostname?.startsWith('shed-'))?.checkin?.state, 'came-up');
      assert.match((await badge.getAttribute('title')) ?? '', /^shed-\d+ came up at \d\d:\d\d on \S+: ssh maya@\S+$/);
      const file2 = screenshotPath('checkin-tile-came-up');
      if (file2) await page.screenshot({ path: file2, fullPage: true });
      await page.getByTestId('bench-switch').click();
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.close();
      card?.detach();
    }
  });

  it('History opens on the card bench batch, not a card written by hand since; its sheet and CSV say when the device came up', { timeout: 300_000 }, async () => {
    // A card written by hand after the bench session: the newest job in the history.
    const byHand = createLoopDisk(fixture.size);
    const { page, pageErrors } = await watchedPage(session.browser);
    try {
      const calls = coreCalls(() => session.core);
      // Named by path, as the Drives step's "Add a device or image file by path" does first.
      await calls.call('drives:resolve', { path: byHand.device });
      const { jobId } = await calls.call<{ jobId: string }>('flash:start', { source: session.offer(fixture.path), targets: [byHand.device], unmountConfirmed: true });
      assert.equal((await calls.flashDone(jobId)).ok, true);
      const entries = (await calls.call<{ entries: HistoryEntry[] }>('history:list', {})).entries;
      assert.equal(entries[0]!.jobId, jobId, 'the hand-written card is the newest entry');
      const bench = entries.find((e) => e.batchId !== undefined && e.checkin?.state === 'came-up')!;
      assert.ok(bench, 'the bench session\'s card, came up');

      await page.goto(session.station.url);
      await page.getByTestId('history-open').click();
      const choice = page.getByTestId('batch-choice');
      await choice.waitFor();
      assert.equal(await choice.inputValue(), bench.batchId, 'the latest card bench batch is chosen, not the newer job');
      assert.match(await choice.locator('option:checked').innerText(), /card bench$/);
      assert.equal(await choice.locator('option').first().getAttribute('value'), jobId, 'the newer job is still offered, first in the list');

      // The printable sheet: a "Came up" column with when and where the device reported.
      await page.getByTestId('batch-print').click();
      const sheet = page.getByTestId('print-sheet');
      await sheet.waitFor();
      const headings = await sheet.locator('th').allInnerTexts();
      assert.ok(headings.includes('Came up'), `the sheet's columns: ${headings.join(', ')}`);
      const cameUpCell = sheet.getByTestId('print-row').first().locator('td').nth(headings.indexOf('Came up'));
      assert.match(await cameUpCell.innerText(), /^came up \d\d:\d\d on \S+$/);
      assert.match(await sheet.locator('p').first().innerText(), new RegExp(`Card bench batch ${bench.batchId}`));
      for (const [width, height] of [[1280, 900], [800, 800]] as const) {
        await page.setViewportSize({ width, height });
        const file = screenshotPath(`history-sheet-came-up-${width}`);
        if (file) await page.screenshot({ path: file, fullPage: true });
      }
      await page.getByTestId('print-close').click();

      // The batch's spreadsheet says the same, with the time of the report.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('batch-export-csv').click()]);
      const csv = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
      const header = csv[0]!.split(',');
      const row = csv.find((line) => line.includes(bench.jobId))!.split(',');
      assert.equal(row[header.indexOf('checkin')], 'came-up');
      assert.equal(row[header.indexOf('came_up_at')], bench.checkin!.report!.time);
      assert.ok(!csv.some((line) => line.includes(jobId)), 'the hand-written card is another batch');

      // `history --batch last` names the same batch.
      const last = await runCli(['history', '--batch', 'last', '--json'], { FIOT_CONFIG_DIR: path.join(session.dataDir, 'config') });
      assert.equal(last.code, 0, last.stderr);
      assert.equal((JSON.parse(last.stdout.trim().split('\n').at(-1)!) as { jobId: string }).jobId, bench.batchId);
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.close();
      byHand.dispose();
    }
  });
});
