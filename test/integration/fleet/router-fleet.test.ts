/**
 * The fleet contract the UI and the station use, through the core's router: the card-to-hostname
 * map before writing (continuing the series, naming names the history holds), the series itself,
 * a whole flash with a table over the router, the batch sheet, a name back on its own card (no
 * repeat) and on another (refused), and restore:start on a loop device.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createCore, type Core } from '../../../electron/core/app-core';
import { loadConfig } from '../../../electron/core/config';
import { coreCalls } from '../../helpers/core-calls';
import { provisionFixture } from '../../helpers/provision-fixture';
import { attachLoop, createLoopDisk } from '../../helpers/loop';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

let dir: string;
let core: Core;

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-fleet-router-'));
  core = createCore({ ...loadConfig({}), configDir: path.join(dir, 'config'), cacheDir: path.join(dir, 'cache') });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const { call, flashDone } = coreCalls(() => core);

const profile = { hostname: 'kiosk-{n:02}', users: [{ name: 'core', sshAuthorizedKeys: [] }], timezone: 'UTC' };

test('batch:preview continues the series; batch:set-series moves it; a bad table names line and column', async () => {
  const preview = await call<{ cards: Array<{ hostname: string; n: number }> }>('batch:preview', { provisioning: profile, cards: 3 });
  assert.deepEqual(preview.cards.map((c) => c.hostname), ['kiosk-01', 'kiosk-02', 'kiosk-03']);
  await call('batch:set-series', { pattern: 'kiosk-{n:02}', next: 40 });
  assert.deepEqual(await call('batch:series', {}), { series: { 'kiosk-{n:02}': 40 } });
  const moved = await call<{ cards: Array<{ hostname: string }> }>('batch:preview', { provisioning: profile, cards: 1 });
  assert.equal(moved.cards[0]!.hostname, 'kiosk-40');
  await assert.rejects(call('batch:preview', { provisioning: profile, table: { text: 'hostname,gateway\nok,10.0.0.1\n' }, cards: 1 }), /INVALID_INPUT: table: line 2, column 2 \(gateway\)/);
});

test('a table flash over the router: each card its row, the batch sheet, then a held name: its own card may take it again, another is refused', { skip: loopSkipReason() ?? commandsSkipReason('debugfs', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy') ?? false }, async () => {
  const source = await provisionFixture({ layout: 'mbr' });
  const cards = [createLoopDisk(source.size), createLoopDisk(source.size)];
  const table = { text: 'hostname,label\nscreen-a,Lobby\nscreen-b,Canteen\n', name: 'screens.csv' };
  try {
    // A client names what the core handed out: the image as if picked in the dialog, the cards once resolved.
    core.grants.grantPickedFile(source.path);
    for (const card of cards) await call('drives:resolve', { path: card.device });
    const { jobId } = await call<{ jobId: string }>('flash:start', { source: source.path, targets: cards.map((c) => c.device), provisioning: { users: profile.users }, table });
    const result = await flashDone(jobId);
    assert.equal(result.ok, true, JSON.stringify(result.targets.map((t) => t.error)));
    assert.deepEqual(result.targets.map((t) => [t.hostname, t.tableLine, t.label]), [['screen-a', 2, 'Lobby'], ['screen-b', 3, 'Canteen']]);
    const sheet = await call<{ fileName: string; mediaType: string; text: string }>('history:batch', { jobId, format: 'html' });
    assert.equal(sheet.mediaType, 'text/html');
    for (const card of cards) assert.ok(sheet.text.includes(card.backingFile), 'the sheet names each card by its serial (the backing file)');
    const screenA = { hostname: 'screen-a', users: profile.users };
    const repeats = async (devices?: string[]) => (await call<{ repeatedNames: string[] }>('batch:preview', { provisioning: screenA, cards: 1, ...(devices ? { devices } : {}) })).repeatedNames;
    assert.deepEqual(await repeats(), ['screen-a'], 'no card named: the name is held');
    assert.deepEqual(await repeats([cards[1]!.device]), ['screen-a'], 'another card with the name collides');
    assert.deepEqual(await repeats([cards[0]!.device]), [], 'the card that holds the name is the device replacing itself');
    // The same card written again with its own name needs no confirmation; another card still does.
    const itself = await call<{ jobId: string }>('flash:start', { source: source.path, targets: [cards[0]!.device], provisioning: screenA });
    const rewritten = await flashDone(itself.jobId);
    assert.equal(rewritten.ok, true, JSON.stringify(rewritten.error));
    assert.equal(rewritten.targets[0]?.hostname, 'screen-a');
    const refused = await call<{ jobId: string }>('flash:start', { source: source.path, targets: [cards[1]!.device], provisioning: screenA });
    const outcome = await flashDone(refused.jobId);
    assert.equal(outcome.error?.code, 'DUPLICATE_HOSTNAME');
    const left = await call<{ rowsLeft: number }>('batch:preview', { table, cards: 1 });
    assert.equal(left.rowsLeft, 0, 'both rows are used');
  } finally {
    for (const card of cards) card.dispose();
  }
});

test('restore:start leaves one labelled FAT32 partition (fsck is in cli-restore.test.ts)', { skip: loopSkipReason() ?? commandsSkipReason('minfo') ?? false }, async () => {
  const backing = path.join(dir, 'restore.img');
  const fd = openSync(backing, 'w');
  ftruncateSync(fd, 96 << 20);
  closeSync(fd);
  const card = attachLoop(backing);
  try {
    await call('drives:resolve', { path: card.device });
    const result = await call<{ filesystem: string; partition: { offset: number; size: number } }>('restore:start', { device: card.device, label: 'ROUTER' });
    // A loop device takes a discard: the card's old contents are gone, and the result says so.
    assert.deepEqual(result, { device: card.device, filesystem: 'fat32', label: 'ROUTER', partition: { offset: 1 << 20, size: 95 << 20 }, oldData: { discarded: true } });
    assert.match(execFileSync('minfo', ['-i', `${backing}@@${1 << 20}`, '::'], { encoding: 'utf8' }), /disk label="ROUTER\s*"/);
  } finally {
    card.detach();
  }
});
