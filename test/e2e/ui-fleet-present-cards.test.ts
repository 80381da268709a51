/**
 * Station mode with a card already in a reader, as a tester found it: ticking "Write every card I
 * insert" at once erased a card written a moment before for another job. In Chromium through the
 * station, with stand-in card readers (FIOT_TEST_CARD_DIR): the card in its reader before the
 * switch keeps its bytes and its tile says why; the page says how many cards are left alone and how
 * to write them; a card inserted afterwards is written; "Write this one too…" asks, naming the
 * card, and only then writes it. The intro's words match what a card put back in gets. Switched
 * off, the cards still in readers keep their tiles and results until taken out.
 */
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Fixture } from '../fixtures/fixture';
import { chromiumSkipReason } from '../helpers/browser';
import { attachLoop, insertTestCard, type LoopDevice } from '../helpers/loop';
import { provisionFixture } from '../helpers/provision-fixture';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { chooseImage } from '../helpers/ui-steps';
import { openStationSession, type StationSession } from '../helpers/station-session';

const skip = loopSkipReason() ?? chromiumSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy');
const MARK = Buffer.from('a card written for another job: keep me');

function headOf(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(MARK.length);
    readSync(fd, head, 0, head.length, 0);
    return head;
  } finally {
    closeSync(fd);
  }
}

describe('station mode leaves the cards already in readers alone', { skip: skip ?? false }, () => {
  let session: StationSession;
  let fixture: Fixture;
  let cardDir: string;
  let shots: string;
  const cards: LoopDevice[] = [];

  before(async () => {
    cardDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-present-cards-'));
    shots = process.env.FIOT_E2E_SCREENSHOTS ?? mkdtempSync(path.join(os.tmpdir(), 'fiot-present-cards-shots-'));
    console.log(`present-cards screenshots: ${shots}`);
    [fixture, session] = await Promise.all([provisionFixture({ layout: 'mbr' }), openStationSession('present', { FIOT_TEST_CARD_DIR: cardDir })]);
  });
  after(async () => {
    for (const card of cards) card.detach();
    await session?.close();
    rmSync(cardDir, { recursive: true, force: true });
  });

  const slot = (page: Page, device: string) => page.locator(`[data-testid="bench-slot"][data-device="${device}"]`);
  const stateOf = (page: Page, device: string, state: string) => page.waitForFunction(
    ([d, s]) => document.querySelector(`[data-testid="bench-slot"][data-device="${d}"]`)?.getAttribute('data-state') === s, [device, state] as const, { timeout: 120_000 },
  );

  it('does not erase a card that was in its reader when the switch was ticked, until that card is named', { timeout: 300_000 }, async () => {
    // A card "written for another job": its first bytes are a mark the test reads back.
    const previous = insertTestCard(cardDir, 'written-earlier', fixture.size);
    previous.detach();
    const fd = openSync(previous.backingFile, 'r+');
    writeSync(fd, MARK, 0, MARK.length, 0);
    closeSync(fd);
    const present = attachLoop(previous.backingFile);
    cards.push(present);

    const page = await session.browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(session.station.url);
    await chooseImage(page, session.offer(fixture.path));
    await page.getByTestId('tool-open-bench').click();
    const intro = await page.getByTestId('bench-view').locator('.panel-lead').innerText();
    assert.doesNotMatch(intro, /put it back to write it again/, 'the intro no longer promises what a put-back card does not get');
    assert.match(intro, /Cards already in a reader when you switch it on are left alone until you take them out and put them back in\./);
    assert.match(intro, /put back in, a card it wrote is left alone \(switch the bench off and on again to write it again\)/);

    await page.getByTestId('bench-switch').click();
    await slot(page, present.device).waitFor();
    await stateOf(page, present.device, 'refused');
    assert.equal(await page.getByTestId('bench-present').innerText(), '1 card is already in a reader: it will not be written. Take it out and put it back in to write it, or choose “Write this one too” on its tile.');
    assert.match(await slot(page, present.device).innerText(), /Already in the reader[\s\S]*In this reader before the card bench was switched on: not written\. Take it out and put it back in to write it with the card bench\./);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal(present.sectorsWritten(), 0, 'the card already in is not written');
    assert.deepEqual(headOf(present.backingFile), MARK, 'it keeps what was on it');

    const inserted = insertTestCard(cardDir, 'inserted', fixture.size);
    cards.push(inserted);
    await stateOf(page, inserted.device, 'done');
    assert.equal(present.sectorsWritten(), 0, 'still not written while another card was');
    await page.screenshot({ path: path.join(shots, 'present-1-left-alone.png'), fullPage: true });

    // "Write this one too…" asks first, naming the card; leaving it alone writes nothing.
    await slot(page, present.device).getByTestId('bench-include').click();
    const question = slot(page, present.device).getByTestId('bench-include-confirm');
    assert.match(await question.innerText(), new RegExp(`Erase Test card written-earlier\\.img, [\\d.]+ [MG]B \\(${present.device}\\) and write it with the card bench\\?`));
    await page.screenshot({ path: path.join(shots, 'present-2-write-this-one-too.png'), fullPage: true });
    await question.getByRole('button', { name: 'Leave it alone' }).click();
    assert.equal(await question.count(), 0);
    assert.equal(present.sectorsWritten(), 0);
    await slot(page, present.device).getByTestId('bench-include').click();
    await slot(page, present.device).getByTestId('bench-include-yes').click();
    await stateOf(page, present.device, 'done');
    assert.notDeepEqual(headOf(present.backingFile), MARK, 'named and confirmed, it is written');
    assert.equal(await page.getByTestId('bench-present').count(), 0, 'no card is left alone now');
    await page.getByTestId('bench-count').filter({ hasText: /^2 cards written and verified/ }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, 'present-3-named-and-written.png'), fullPage: true });

    await page.getByTestId('bench-switch').click();
    // Switching off waits for the core to stop the bench: the switch shows off once it has.
    await page.waitForFunction(() => (document.querySelector('[data-testid="bench-switch"]') as HTMLInputElement | null)?.checked === false, undefined, { timeout: 30_000 });
    assert.equal(await page.getByTestId('bench-switch').isChecked(), false);

    // Switched off, the cards still in their readers keep their tiles and results until taken out.
    for (const card of [present, inserted]) {
      assert.equal(await slot(page, card.device).getAttribute('data-state'), 'done', `${card.device} keeps its tile after the switch-off`);
      assert.match(await slot(page, card.device).innerText(), /Verified — safe to take out/);
    }
    await page.screenshot({ path: path.join(shots, 'present-4-bench-off-cards-in.png'), fullPage: true });
    inserted.detach();
    await page.waitForFunction((d) => document.querySelector(`[data-testid="bench-slot"][data-device="${d}"]`)?.getAttribute('data-removed') === 'true', inserted.device, { timeout: 30_000 });
    assert.match(await slot(page, inserted.device).innerText(), /Taken out after it was written: fine/);
    assert.match(await slot(page, present.device).innerText(), /Verified — safe to take out/, 'the card left in keeps its tile');
    await page.screenshot({ path: path.join(shots, 'present-5-bench-off-one-taken-out.png'), fullPage: true });
  });
});
