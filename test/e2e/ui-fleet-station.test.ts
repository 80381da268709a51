/**
 * Station mode in Chromium through the station, unattended: a 12-row device table imported in the
 * First boot step (a bad table first, its problems named by line and column), "Write every card I
 * insert" switched on, then 12 loop devices "inserted" by the test (a card-reader stand-in:
 * FIOT_TEST_CARD_DIR lists loop devices over files in one folder as removable cards). Each card is
 * read back with debugfs: the Ignition config passes ignition-validate and carries its own row's
 * hostname and address. A card left in is not written again; pulled and put back, it is not written
 * again either, and its tile says what it was written as; a new card, with the table done, waits
 * with "no rows left". The session shows on every view (the top bar's badge, over History too),
 * with the session's own values, whatever the form says now.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { fromDataUrl } from '../../shared/provisioning';
import type { Fixture } from '../fixtures/fixture';
import { debugfs } from '../helpers/boot-partition';
import { chromiumSkipReason } from '../helpers/browser';
import { attachLoop, insertTestCard, type LoopDevice } from '../helpers/loop';
import { provisionFixture } from '../helpers/provision-fixture';
import { ED25519_KEY } from '../helpers/ssh-keys';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { chooseImage, firstBootWithKey } from '../helpers/ui-steps';
import { openStationSession, type StationSession } from '../helpers/station-session';

const skip = loopSkipReason() ?? chromiumSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'debugfs', 'ignition-validate');
const CARDS = 12;
const rows = Array.from({ length: CARDS }, (_, i) => ({ hostname: `pump-${String(i + 1).padStart(2, '0')}`, ip: `10.0.7.${i + 11}/24`, label: `Shelf ${i + 1}` }));
const tableText = ['hostname,ip,gateway,label', ...rows.map((r) => `${r.hostname},${r.ip},10.0.7.1,${r.label}`)].join('\n') + '\n';

type Config = { storage?: { files?: Array<{ path: string; contents: { source: string } }> } };

function cardFile(config: Config, file: string): string | undefined {
  const found = config.storage?.files?.find((f) => f.path === file);
  return found ? (fromDataUrl(found.contents.source) ?? undefined) : undefined;
}

describe('station mode: every card inserted is written with the next row', { skip: skip ?? false }, () => {
  let session: StationSession;
  let fixture: Fixture;
  let cardDir: string;
  let shots: string;
  const cards: LoopDevice[] = [];

  /** A fresh sparse card file in the readers' folder, attached: the card is "inserted". */
  const insert = (name: string): LoopDevice => {
    const card = insertTestCard(cardDir, name, fixture.size);
    cards.push(card);
    return card;
  };

  before(async () => {
    cardDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-bench-cards-'));
    shots = process.env.FIOT_E2E_SCREENSHOTS ?? mkdtempSync(path.join(os.tmpdir(), 'fiot-station-mode-shots-'));
    console.log(`station-mode screenshots: ${shots}`);
    [fixture, session] = await Promise.all([provisionFixture({ layout: 'mbr' }), openStationSession('bench', { FIOT_TEST_CARD_DIR: cardDir })]);
  });

  after(async () => {
    for (const card of cards) card.detach();
    await session?.close();
    rmSync(cardDir, { recursive: true, force: true });
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  const slot = (page: Page, device: string) => page.locator(`[data-testid="bench-slot"][data-device="${device}"]`);

  it('writes 12 cards unattended, each with its own row', { timeout: 600_000 }, async () => {
    const page = await session.browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(session.station.url);
    await chooseImage(page, session.offer(fixture.path));
    await firstBootWithKey(page, ED25519_KEY);
    await page.getByLabel('Hostname', { exact: true }).fill('pump-{n:02}');

    // A bad table is named line by line, column by column, and is not taken.
    await page.getByTestId('table-paste').fill('hostname,ip,gateway\npump-a,10.0.7.2/24,10.0.7.1\npump-b,not-an-address,10.0.7.1\npump-c,,10.0.7.1\n');
    await page.getByTestId('table-use-pasted').click();
    const problems = await page.getByTestId('table-problems').innerText();
    assert.match(problems, /Line 3, column 2 \(ip\)/);
    assert.match(problems, /Line 4, column 3 \(gateway\): needs an address in the ip column/);
    assert.equal(await page.getByTestId('table-summary').count(), 0);

    await page.getByTestId('table-file').setInputFiles({ name: 'devices.csv', mimeType: 'text/csv', buffer: Buffer.from(tableText) });
    assert.match(await page.getByTestId('table-summary').innerText(), /devices\.csv: 12 devices/);
    assert.equal(await page.getByTestId('table-problems').count(), 0);

    await page.getByTestId('tool-open-bench').click();
    await page.getByTestId('bench-switch').click();
    await page.getByTestId('bench-count').waitFor();
    assert.match(await page.getByTestId('bench-values').innerText(), /The card bench writes .+ with rows of devices\.csv, in order\. To change that, switch it off, then on again/);
    assert.match(await page.getByTestId('bench-badge').innerText(), /Card bench: 0 of 12 done/);

    // Cards go in a few at a time, as a tech fills a bench of readers.
    const started = Date.now();
    for (const group of [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]) {
      const inserted = group.map((i) => insert(`card-${i + 1}`));
      await slot(page, inserted[0]!.device).waitFor({ timeout: 30_000 });
      // The first cards finishing while the next ones are written: the bench as a tech sees it.
      if (group[0] === 4) {
        // Only a picture: a fast machine may finish every card before a write is seen.
        await page.waitForFunction(() => document.querySelector('[data-testid="bench-slot"][data-state="writing"], [data-testid="bench-slot"][data-state="verifying"]'), undefined, { timeout: 20_000 }).catch(() => undefined);
        await shot(page, 'station-mode-1-writing');
      }
    }
    await page.waitForFunction((count) => document.querySelectorAll('[data-testid="bench-slot"][data-state="done"]').length === count, CARDS, { timeout: 480_000 });
    const seconds = (Date.now() - started) / 1000;
    console.log(`station mode wrote ${CARDS} cards in ${seconds.toFixed(1)} s`);
    await page.getByTestId('bench-count').filter({ hasText: '12 of 12 done' }).waitFor();
    await shot(page, 'station-mode-2-done');
    assert.equal(await page.getByTestId('bench-count').innerText(), '12 of 12 done: the table is finished.');

    // The session shows on every view: over History, whose button alone is pressed.
    await page.getByTestId('history-open').click();
    assert.match(await page.getByTestId('bench-badge').innerText(), /Card bench: 12 of 12 done/);
    assert.deepEqual([await page.getByTestId('history-open').getAttribute('aria-pressed'), await page.getByTestId('tool-open-bench').getAttribute('aria-pressed')], ['true', 'false']);
    await shot(page, 'station-mode-4-history-badge');
    await page.getByTestId('tool-open-bench').click();
    await page.getByTestId('bench-view').waitFor();
    assert.equal(await page.getByTestId('tool-open-bench').getAttribute('aria-pressed'), 'true', 'Station mode over History opens it, not closes it');

    const boot = fixture.partitions.find((p) => p.label === 'boot')!;
    const given = new Map<string, string>();
    for (const card of cards) {
      const hostname = await slot(page, card.device).locator('.bench-hostname').innerText();
      const text = debugfs(card.device, boot, 'cat /ignition/config.ign');
      assert.equal(spawnSync('ignition-validate', ['-'], { input: text }).status, 0, `ignition-validate accepts the config on ${card.device}`);
      const config = JSON.parse(text) as Config;
      const row = rows.find((r) => r.hostname === hostname);
      assert.ok(row, `${card.device} shows a row's hostname (${hostname})`);
      assert.equal(cardFile(config, '/etc/hostname'), `${row.hostname}\n`, `${card.device} carries its own row's hostname`);
      assert.match(cardFile(config, '/etc/NetworkManager/system-connections/wired-static.nmconnection') ?? '', new RegExp(`address1=${row.ip.replace(/\./g, '\\.')},10\\.0\\.7\\.1`));
      given.set(hostname, card.device);
    }
    assert.equal(given.size, CARDS, 'every row went to exactly one card');

    // Left in its reader, a written card is not written again.
    const firstCard = cards[0]!;
    const firstName = await slot(page, firstCard.device).locator('.bench-hostname').innerText();
    const sectors = firstCard.sectorsWritten();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal(firstCard.sectorsWritten(), sectors, 'a card already written is left alone');

    // Pulled out and put back, it is the same card: left alone, its tile saying what it was written as.
    firstCard.detach();
    await page.locator(`[data-testid="bench-slot"][data-device="${firstCard.device}"][data-removed="true"]`).waitFor({ timeout: 15_000 });
    assert.equal(await slot(page, firstCard.device).locator('.bench-phase').innerText(), 'Taken out after it was written: fine', 'pulled out, its tile stays and says so');
    const again = attachLoop(firstCard.backingFile);
    cards.push(again);
    const refused = slot(page, again.device);
    await page.waitForFunction((device) => document.querySelector(`[data-testid="bench-slot"][data-device="${device}"]`)?.getAttribute('data-state') === 'refused', again.device, { timeout: 30_000 });
    assert.match(await refused.locator('.bench-error').innerText(), new RegExp(`^Already written by the card bench as ${firstName}: take it out, or switch the bench off and on again to rewrite it\\.`));
    assert.doesNotMatch(await refused.locator('.bench-device').innerText(), /card \d/, 'it takes no number');
    await shot(page, 'station-mode-3-reinserted');

    // A new card would get the next row, and the table has none left: it waits.
    const extra = insert('card-13');
    const waiting = slot(page, extra.device);
    await page.waitForFunction((device) => document.querySelector(`[data-testid="bench-slot"][data-device="${device}"]`)?.getAttribute('data-waiting-for') === 'rows', extra.device, { timeout: 30_000 });
    assert.equal(await waiting.getAttribute('data-state'), 'waiting');
    assert.match(await waiting.innerText(), /No rows left/);
    assert.equal(await page.getByTestId('bench-count').innerText(), '12 of 12 done: the table is finished.');
    assert.equal(again.sectorsWritten(), 0, 'the card put back is not written');
    assert.equal(extra.sectorsWritten(), 0, 'a card with no row left is not written');

    await page.getByTestId('bench-switch').click();
    await page.getByTestId('bench-badge').waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('bench-switch').isChecked(), false);
    assert.deepEqual(pageErrors, []);
  });
});
