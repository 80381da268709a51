/**
 * Station mode as a field tech at the bench sees its tiles, in Chromium through the station at
 * 800 px, dismissing with the keyboard: a two-row table, cards "inserted" by the test (loop devices
 * over files in a stand-in card-reader folder, FIOT_TEST_CARD_DIR). What the last walk found:
 * - a card pulled out vanished from the tiles without a word. Now its tile stays: "Taken out after
 *   it was written: fine" (with its hostname) or "Taken out at 10:42 — not written", until the
 *   person dismisses it (the keyboard then lands on the next Dismiss) or the next card goes into
 *   that reader;
 * - switched on with the keyboard, the switch dropped the focus to the page's start;
 * - "N of 2 done" lagged the tiles. Every frame the page showed is recorded (a MutationObserver):
 *   in none of them do more tiles say done than the count and the top bar's badge say.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { shotAtWidths } from '../helpers/a11y';
import type { Fixture } from '../fixtures/fixture';
import { chromiumSkipReason } from '../helpers/browser';
import { insertTestCard, type LoopDevice } from '../helpers/loop';
import { provisionFixture } from '../helpers/provision-fixture';
import { ED25519_KEY } from '../helpers/ssh-keys';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { chooseImage, firstBootWithKey } from '../helpers/ui-steps';
import { openStationSession, type StationSession } from '../helpers/station-session';

const skip = loopSkipReason() ?? chromiumSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'losetup');
const tableText = 'hostname,ip,gateway\ntile-01,10.0.9.11/24,10.0.9.1\ntile-02,10.0.9.12/24,10.0.9.1\n';

/** One frame as the page showed it: tiles saying done, and what the count and the badge said. */
interface Frame {
  doneTiles: number;
  count: string;
  badge: string;
  /** What the tiles of cards whose write is starting said in place of a hostname. */
  starting: string[];
}

declare global {
  interface Window {
    benchFrames?: Frame[];
  }
}

/**
 * Records every change of the station-mode view from now on (read back from window.benchFrames).
 * Handed over as text: the test's compiler would wrap named functions in a helper the page lacks.
 */
const RECORD_FRAMES = `(() => {
  const frames = [];
  window.benchFrames = frames;
  const take = () => frames.push({
    doneTiles: document.querySelectorAll('[data-testid="bench-slot"][data-state="done"]').length,
    count: document.querySelector('[data-testid="bench-count"]')?.textContent ?? '',
    badge: document.querySelector('[data-testid="bench-badge"]')?.textContent ?? '',
    starting: [...document.querySelectorAll('[data-testid="bench-slot"][data-state="pending"] .bench-hostname')].map((e) => e.textContent ?? ''),
  });
  new MutationObserver(take).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-state'] });
  take();
})()`;

/** "1 of 2 done…" → 1; null when the text holds no count. */
function doneIn(text: string): number | null {
  const found = /(\d+) of \d+ done/.exec(text);
  return found ? Number(found[1]) : null;
}

describe('station mode tiles: cards taken out, and a count that keeps up', { skip: skip ?? false }, () => {
  let session: StationSession;
  let fixture: Fixture;
  let cardDir: string;
  let shots: string;
  const cards: LoopDevice[] = [];

  before(async () => {
    cardDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-tiles-cards-'));
    shots = process.env.FIOT_E2E_SCREENSHOTS ?? mkdtempSync(path.join(os.tmpdir(), 'fiot-station-tiles-shots-'));
    console.log(`station tiles screenshots: ${shots}`);
    [fixture, session] = await Promise.all([provisionFixture({ layout: 'mbr' }), openStationSession('tiles', { FIOT_TEST_CARD_DIR: cardDir })]);
  });

  after(async () => {
    for (const card of cards) card.detach();
    await session?.close();
    rmSync(cardDir, { recursive: true, force: true });
  });

  const insert = (name: string): LoopDevice => {
    const card = insertTestCard(cardDir, name, fixture.size);
    cards.push(card);
    return card;
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shots, `${name}.png`) });
  const slot = (page: Page, device: string) => page.locator(`[data-testid="bench-slot"][data-device="${device}"]`);
  const slotState = (page: Page, device: string, state: string, extra = '') =>
    page.locator(`[data-testid="bench-slot"][data-device="${device}"][data-state="${state}"]${extra}`).waitFor({ timeout: 120_000 });

  it('keeps a card taken out on show, dismissed by keyboard or replaced by the next card, and counts each card with its tile', { timeout: 420_000 }, async () => {
    const page = await session.browser.context.newPage();
    await page.setViewportSize({ width: 800, height: 800 });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(session.station.url);
    await chooseImage(page, session.offer(fixture.path));
    await firstBootWithKey(page, ED25519_KEY);
    await page.getByTestId('table-file').setInputFiles({ name: 'bench.csv', mimeType: 'text/csv', buffer: Buffer.from(tableText) });
    assert.match(await page.getByTestId('table-summary').innerText(), /bench\.csv: 2 devices/);

    await page.getByTestId('tool-open-bench').click();
    // Enabled once the First boot values are checked.
    await page.waitForFunction(() => (document.querySelector('[data-testid="bench-switch"]') as HTMLInputElement | null)?.disabled === false);
    await page.getByTestId('bench-switch').focus();
    await page.keyboard.press('Space');
    await page.getByTestId('bench-count').filter({ hasText: '0 of 2 done' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'bench-switch', 'switched on by the keyboard, the keyboard stays on the switch');
    await page.evaluate(RECORD_FRAMES);

    const first = insert('card-1');
    await slotState(page, first.device, 'done');
    const second = insert('card-2');
    await slotState(page, second.device, 'done');
    await page.getByTestId('bench-count').filter({ hasText: '2 of 2 done' }).waitFor();
    const firstName = await slot(page, first.device).locator('.bench-hostname').innerText();
    assert.match(firstName, /^tile-0[12]$/);

    // The table is finished: a third card waits with no row; then it is pulled out, never written.
    const third = insert('card-3');
    await slotState(page, third.device, 'waiting', '[data-waiting-for="rows"]');
    third.detach();
    await slotState(page, third.device, 'refused', '[data-removed="true"]');
    const notWritten = await slot(page, third.device).locator('.bench-phase').innerText();
    assert.match(notWritten, /^Taken out at \d{1,2}:\d{2}( [AP]M)? — not written$/);
    assert.equal(third.sectorsWritten(), 0, 'the card pulled out was not written');

    // A written card pulled out keeps its tile and its name: the result is not lost.
    first.detach();
    await slotState(page, first.device, 'done', '[data-removed="true"]');
    const writtenTile = slot(page, first.device);
    assert.equal(await writtenTile.locator('.bench-phase').innerText(), 'Taken out after it was written: fine');
    assert.equal(await writtenTile.locator('.bench-hostname').innerText(), firstName);
    assert.match(await page.getByTestId('bench-count').innerText(), /^2 of 2 done/, 'a card taken out is still counted');
    await shot(page, 'tiles-1-taken-out');

    // Keyboard only: Dismiss on the card never written; the keyboard lands on the next Dismiss.
    await slot(page, third.device).getByTestId('bench-dismiss').focus();
    await page.keyboard.press('Enter');
    await slot(page, third.device).waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'bench-dismiss');
    assert.equal(await page.evaluate(() => document.activeElement?.closest('[data-testid="bench-slot"]')?.getAttribute('data-device')), first.device, 'the keyboard is on the other Dismiss, not lost');
    await shot(page, 'tiles-2-dismissed');

    // The next card goes into the first card's reader (the same device): it takes the tile's place.
    const next = path.join(cardDir, 'card-4.img');
    const fd = openSync(next, 'w');
    ftruncateSync(fd, fixture.size);
    closeSync(fd);
    execFileSync('losetup', [first.device, next]);
    try {
      await slotState(page, first.device, 'waiting', ':not([data-removed])');
      assert.match(await slot(page, first.device).innerText(), /No rows left/);
      await shot(page, 'tiles-3-next-card');
    } finally {
      execFileSync('losetup', ['-d', first.device]);
    }

    // In every frame the page showed, the count and the badge were at least the tiles saying done.
    const frames = await page.evaluate(() => window.benchFrames ?? []);
    assert.ok(frames.some((f) => f.doneTiles === 2), 'the frames were recorded');
    for (const frame of frames) {
      assert.ok((doneIn(frame.count) ?? 0) >= frame.doneTiles, `the count lagged the tiles: ${frame.doneTiles} tiles done while it said “${frame.count}”`);
      assert.ok((doneIn(frame.badge) ?? 0) >= frame.doneTiles, `the badge lagged the tiles: ${frame.doneTiles} tiles done while it said “${frame.badge}”`);
    }

    await page.getByTestId('bench-switch').press('Space');
    await page.waitForFunction(() => !(document.querySelector('[data-testid="bench-switch"]') as HTMLInputElement | null)?.checked);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'bench-switch', 'and when switched off');
    assert.deepEqual(pageErrors, []);
    await page.close();
    // Out of the readers: the next session would write it again, as it writes every card in when switched on.
    second.detach();
  });

  it('without first-boot setup, says the image is written as it ships, and a starting card promises no “next values”', { timeout: 180_000 }, async () => {
    const page = await session.browser.context.newPage();
    await page.setViewportSize({ width: 800, height: 800 });
    await page.goto(session.station.url);
    await chooseImage(page, session.offer(fixture.path));
    await page.getByTestId('tool-open-bench').click();
    await page.getByTestId('bench-switch').click();
    await page.getByTestId('bench-values').filter({ hasText: 'The card bench writes' }).waitFor();
    assert.match(await page.getByTestId('bench-values').innerText(), /^The card bench writes fixture\.img as it ships, with no first-boot setup\./);
    await page.evaluate(RECORD_FRAMES);
    const plain = insert('plain-1');
    await slotState(page, plain.device, 'done');
    assert.equal(await slot(page, plain.device).locator('.bench-phase').innerText(), 'Verified — safe to take out', 'the tile ends in what to do next');
    await shotAtWidths(page, 'tiles-verified');

    const frames = await page.evaluate(() => window.benchFrames ?? []);
    const starting = frames.flatMap((f) => f.starting);
    assert.ok(!starting.includes('Next values…'), `a starting card said: ${starting.join(', ')}`);
    assert.equal(await page.getByTestId('bench-count').innerText(), '1 card written and verified. Insert the next card.');

    // A card too small for the image: said once, with the way out; no Retry, which would meet the same size.
    const smallCard = insertTestCard(cardDir, 'small-1', 8 * 1024 * 1024);
    cards.push(smallCard);
    await slotState(page, smallCard.device, 'failed');
    const smallTile = slot(page, smallCard.device);
    const error = await smallTile.locator('.bench-error[data-code="TARGET_TOO_SMALL"]').innerText();
    assert.match(error, /is too small: the image needs [\d.]+ MB\. Use a card or USB stick of at least [\d.]+ MB\.$/);
    assert.equal(error.match(/\bUse\b/g)?.length, 1, error);
    assert.equal(await smallTile.getByTestId('bench-retry').count(), 0, 'no retry for a card too small');
    await shotAtWidths(page, 'tiles-too-small');
    await page.getByTestId('bench-switch').click();
    await page.close();
  });
});
