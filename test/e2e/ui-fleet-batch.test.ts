/**
 * A fleet day in Chromium through the station, on loop devices: the summary before writing maps
 * each card to its hostname; a profile's second batch continues the numbers; "start at" a number
 * the history holds on another card must be confirmed (the same card taking its own name back need
 * not be); a counterfeit card (a loop device over a small tmpfs) is
 * named in words; with another card in its reader "Retry failed cards" erases nothing and asks,
 * naming both cards; once the card is back and good, Retry rewrites only it with the name it was
 * given, leaving the series where it was; History says errors in words and exports the batch record; "Restore a card" leaves one FAT32 partition that fsck accepts.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { fromDataUrl } from '../../shared/provisioning';
import type { Fixture } from '../fixtures/fixture';
import { debugfs } from '../helpers/boot-partition';
import { chromiumSkipReason, screenshotPath } from '../helpers/browser';
import { attachLoop, createLoopDisk, type LoopDevice } from '../helpers/loop';
import { provisionFixture } from '../helpers/provision-fixture';
import { ED25519_KEY } from '../helpers/ssh-keys';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { addTarget, chooseImage } from '../helpers/ui-steps';
import { openStationSession, type StationSession } from '../helpers/station-session';

const skip = loopSkipReason() ?? chromiumSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'debugfs', 'fsck.vfat');
const WRITE_TIMEOUT = 120_000;

type Config = { storage?: { files?: Array<{ path: string; contents: { source: string } }> } };

describe('fleet batches in the app', { skip: skip ?? false }, () => {
  let session: StationSession;
  let fixture: Fixture;
  let boot: { offset: number; size: number };
  let tmpfs: string;
  let swapDir: string;

  before(async () => {
    [fixture, session] = await Promise.all([provisionFixture({ layout: 'mbr' }), openStationSession('fleet-batch')]);
    boot = fixture.partitions.find((p) => p.label === 'boot')!;
    tmpfs = mkdtempSync(path.join(os.tmpdir(), 'fiot-fake-card-'));
    swapDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-swapped-card-'));
  });

  after(async () => {
    await session?.close();
    rmSync(tmpfs, { recursive: true, force: true });
    rmSync(swapDir, { recursive: true, force: true });
  });

  const configText = (card: LoopDevice) => debugfs(card.device, boot, 'cat /ignition/config.ign');
  const hostnameOn = (card: LoopDevice) => {
    const config = JSON.parse(configText(card)) as Config;
    const file = config.storage?.files?.find((f) => f.path === '/etc/hostname');
    return file ? fromDataUrl(file.contents.source)?.trim() : undefined;
  };

  /** From the drives step with these cards: the summary's map, then (unless told not to) the write. */
  async function batch(page: Page, cards: LoopDevice[]): Promise<string[]> {
    for (const card of cards) {
      await addTarget(page, card.device);
      // A card added in an earlier batch already has its row: wait until adding it again has ticked it.
      await page.locator(`[data-testid="drive-row"][data-device="${card.device}"] input[type="checkbox"]:checked`).waitFor();
    }
    await page.getByTestId('step-continue').click();
    await page.getByTestId('batch-summary').waitFor();
    const names: string[] = [];
    for (const card of cards) names.push(await page.locator(`[data-testid="batch-card"][data-device="${card.device}"] td`).nth(1).innerText());
    return names;
  }

  async function write(page: Page): Promise<string> {
    await page.getByTestId('flash-button').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Erase and write' }).click();
    const outcome = page.locator('[data-testid="result-success"], [data-testid="result-failure"]');
    await outcome.waitFor({ timeout: WRITE_TIMEOUT });
    return (await outcome.getAttribute('data-testid')) ?? '';
  }

  async function shot(page: Page, name: string): Promise<void> {
    const file = screenshotPath(name);
    if (file) await page.screenshot({ path: file, fullPage: true });
  }

  async function newCards(page: Page): Promise<void> {
    await page.getByTestId('flash-new-cards').click();
    await page.getByTestId('step-drives').waitFor();
  }

  async function download(page: Page, testId: string): Promise<string> {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
    return readFileSync((await file.path())!, 'utf8');
  }

  it('continues the series, confirms repeats, retries only the failed card, exports and restores', { timeout: 480_000 }, async () => {
    const a = createLoopDisk(fixture.size);
    const b = createLoopDisk(fixture.size);
    let fake: LoopDevice | null = null;
    const page = await session.browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4M', 'tmpfs', tmpfs]);
    try {
      await page.goto(session.station.url);
      await chooseImage(page, session.offer(fixture.path));
      await page.getByTestId('step-continue').click();
      await page.getByTestId('provisioning-enabled').check();
      await page.getByLabel('Hostname', { exact: true }).fill('site-{n:02}');
      await page.getByLabel('User name', { exact: true }).fill('core');
      await page.getByLabel('SSH public keys (one per line)').fill(ED25519_KEY);
      await page.getByText('(next card: 1)').waitFor();
      await page.getByTestId('step-continue').click();

      assert.deepEqual(await batch(page, [a, b]), ['site-01', 'site-02']);
      assert.equal(await write(page), 'result-success');
      assert.deepEqual([hostnameOn(a), hostnameOn(b)], ['site-01', 'site-02']);

      // The second batch continues the numbers.
      await newCards(page);
      assert.deepEqual(await batch(page, [a, b]), ['site-03', 'site-04']);
      assert.equal(await write(page), 'result-success');
      assert.deepEqual([hostnameOn(a), hostnameOn(b)], ['site-03', 'site-04']);

      // "Start at" a number already written: a warning that must be confirmed before writing.
      await newCards(page);
      await page.getByTestId('nav-provisioning').click();
      await page.getByTestId('series-start-at').check();
      await page.getByTestId('profile-counterStart').fill('4');
      await page.getByTestId('nav-drives').click();
      assert.deepEqual(await batch(page, [a, b]), ['site-04 already written', 'site-05']);
      assert.match(await page.getByTestId('repeated-names').innerText(), /already holds a card named “site-04”/);
      assert.equal(await page.getByTestId('flash-button').isDisabled(), true);
      await shot(page, 'fleet-1-repeated-names');
      await page.getByTestId('confirm-repeated-names').check();
      assert.equal(await write(page), 'result-success');
      assert.deepEqual([hostnameOn(a), hostnameOn(b)], ['site-04', 'site-05']);

      // Back to the series (next: 6). A counterfeit card fails in words; once it is good, only it is rewritten.
      await newCards(page);
      await page.getByTestId('nav-provisioning').click();
      await page.getByTestId('series-continue').check();
      await page.getByText('(next card: 6)').waitFor();
      await page.getByTestId('nav-drives').click();
      const fakeFile = path.join(tmpfs, 'card.img');
      const fd = openSync(fakeFile, 'w');
      ftruncateSync(fd, fixture.size);
      closeSync(fd);
      fake = attachLoop(fakeFile);
      assert.deepEqual(await batch(page, [a, fake]), ['site-06', 'site-07']);
      assert.equal(await write(page), 'result-failure');
      const failed = page.locator(`[data-testid="target-result"][data-device="${fake.device}"]`);
      assert.equal(await failed.getAttribute('data-state'), 'failed');
      assert.match(await failed.getByTestId('target-error').innerText(), /probably counterfeit or failing[\s\S]*accepted about [\d.]+ MB of its claimed 134 MB/);
      assert.equal(await page.locator(`[data-testid="target-result"][data-device="${a.device}"]`).getAttribute('data-state'), 'done');
      await shot(page, 'fleet-2-counterfeit');

      // Another card in the failed card's reader: Retry erases nothing, and asks naming both cards.
      const swapFile = path.join(swapDir, 'other.img');
      const swapFd = openSync(swapFile, 'w');
      ftruncateSync(swapFd, fixture.size);
      closeSync(swapFd);
      execFileSync('losetup', ['-d', fake.device]);
      execFileSync('losetup', [fake.device, swapFile]);
      const sectorsNow = () => Number(readFileSync(`/sys/block/${path.basename(fake!.device)}/stat`, 'utf8').trim().split(/\s+/)[6]);
      const swapSectors = sectorsNow();
      await page.getByRole('button', { name: 'Retry failed cards or USB sticks' }).click();
      const question = page.getByTestId('retry-changed-card');
      await question.waitFor();
      assert.match(await question.innerText(), new RegExp(`not the one that failed: that was loop device, serial ${fakeFile.replace(/[.]/g, '\\.')}.*; this is loop device, serial ${swapFile.replace(/[.]/g, '\\.')}`));
      assert.equal(await page.getByTestId('retry-erase-other').innerText(), 'Erase this card or USB stick and write it');
      assert.equal(sectorsNow(), swapSectors, 'the other card was not written');
      await shot(page, 'fleet-2b-retry-other-card');
      execFileSync('losetup', ['-d', fake.device]);
      execFileSync('losetup', [fake.device, fakeFile]);

      execFileSync('mount', ['-o', 'remount,size=256M', tmpfs]);
      const goodCardSectors = a.sectorsWritten();
      await page.getByRole('button', { name: 'Retry failed cards or USB sticks' }).click();
      await page.getByTestId('result-success').waitFor({ timeout: WRITE_TIMEOUT });
      assert.deepEqual(await page.getByTestId('target-result').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-device'))), [fake.device]);
      assert.equal(a.sectorsWritten(), goodCardSectors, 'the card that was fine is not written again');
      assert.equal(hostnameOn(fake), 'site-07', 'the retried card gets the name it was given');
      assert.equal(hostnameOn(a), 'site-06');
      await newCards(page);
      assert.deepEqual(await batch(page, [b]), ['site-08'], 'the retry did not move the series');

      // site-05 is on b alone: b written with it again is the device replacing itself, so no warning
      // and no tick; site-04 is on a as well, another card, so it still warns.
      for (const [start, shown, warned] of [['5', 'site-05', false], ['4', 'site-04 already written', true]] as const) {
        await page.getByTestId('nav-provisioning').click();
        await page.getByTestId('series-start-at').check();
        await page.getByTestId('profile-counterStart').fill(start);
        await page.getByTestId('nav-drives').click();
        await batch(page, [b]);
        await page.locator(`[data-testid="batch-card"][data-device="${b.device}"] td`).nth(1).filter({ hasText: shown.split(' ')[0] }).waitFor();
        assert.equal(await page.locator(`[data-testid="batch-card"][data-device="${b.device}"] td`).nth(1).innerText(), shown);
        assert.equal(await page.getByTestId('repeated-names').count(), warned ? 1 : 0);
        assert.equal(await page.getByTestId('flash-button').isDisabled(), warned);
        if (!warned) await shot(page, 'fleet-2c-same-card-same-name');
      }
      await page.getByTestId('nav-drives').click();

      // History: the failure in words, the card's serial and config hash; the batch record.
      await page.getByTestId('history-open').click();
      const failedRow = page.locator('[data-testid="history-row"][data-result="failed"]').first();
      assert.match(await failedRow.getByTestId('history-error-words').innerText(), /^This card holds less than it claims: \S+ is probably counterfeit or failing: it accepted about/);
      assert.match(await failedRow.getByTestId('history-identity').innerText(), new RegExp(`serial ${fakeFile.replace(/[.]/g, '\\.')}`));
      const record = JSON.parse(await download(page, 'batch-export-json')) as { cards: Array<{ hostname?: string; device: { serial?: string }; source: { sha256?: string }; configSha256?: string }> };
      const imageSha256 = createHash('sha256').update(readFileSync(fixture.path)).digest('hex');
      assert.deepEqual(record.cards.map((c) => [c.hostname, c.device.serial, c.source.sha256, c.configSha256]), [
        ['site-07', fakeFile, imageSha256, createHash('sha256').update(configText(fake)).digest('hex')],
      ]);
      await page.getByTestId('batch-choice').selectOption({ index: 1 });
      await page.getByTestId('batch-print').click();
      const sheet = await page.getByTestId('print-sheet').innerText();
      for (const text of ['site-06', a.backingFile, fakeFile]) assert.ok(sheet.includes(text), `the printable sheet names ${text}`);
      await page.getByTestId('print-close').click();
      await shot(page, 'fleet-3-history');
      const csv = await download(page, 'batch-export-csv');
      assert.equal(csv.trim().split(/\r?\n/).length, 3, 'a header and one line per card of the batch');

      // Restore a card to normal use.
      await page.getByTestId('tool-open-restore').click();
      await page.locator('[data-testid="restore-drive"]', { hasText: b.device }).locator('input').check();
      await page.getByTestId('restore-label').fill('SPARE');
      await page.getByTestId('restore-button').click();
      await page.getByTestId('restore-erase').click();
      assert.match(await page.getByTestId('restore-result').innerText({ timeout: 60_000 }), /empty FAT32 drive labelled “SPARE”/);
      const table = JSON.parse(execFileSync('sfdisk', ['--json', b.device], { encoding: 'utf8' })) as { partitiontable: { partitions: Array<{ start: number; size: number }> } };
      assert.equal(table.partitiontable.partitions.length, 1);
      const [part] = table.partitiontable.partitions;
      const partition = execFileSync('losetup', ['--find', '--show', '--offset', String(part!.start * 512), '--sizelimit', String(part!.size * 512), b.device], { encoding: 'utf8' }).trim();
      try {
        const fsck = spawnSync('fsck.vfat', ['-n', partition], { encoding: 'utf8' });
        assert.equal(fsck.status, 0, `fsck.vfat accepts the restored card:\n${fsck.stdout}${fsck.stderr}`);
      } finally {
        execFileSync('losetup', ['-d', partition]);
      }
      assert.deepEqual(pageErrors, []);
    } finally {
      a.dispose();
      b.dispose();
      fake?.detach();
      spawnSync('umount', [tmpfs]);
    }
  });
});
