/**
 * A bench session through the core's router, on loop devices in a stand-in card-reader folder
 * (FIOT_TEST_CARD_DIR): a card a manual job is writing is left alone by the session; a card the
 * session took is refused to a manual job; cards inserted one, then two at once are one batch in
 * the history, numbered in insertion order, each with its own table row read back from the card;
 * with the table done a new card waits with "no rows left" and is never written. A history that
 * cannot be saved stops the session before the next card. A written card pulled out and put back
 * is not written again and takes no row. A retry naming a card that is no longer in its reader
 * writes nothing. A card written by hand and left in its reader when a session starts is not
 * written by it, until the person names that card ("Write this one too").
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCore, type Core } from '../../../electron/core/app-core';
import { loadConfig } from '../../../electron/core/config';
import type { BenchStatus } from '../../../shared/api/bench';
import type { HistoryEntry } from '../../../shared/domain/history';
import type { FlashProgress } from '../../../shared/domain/flash';
import { fromDataUrl } from '../../../shared/provisioning';
import type { Fixture } from '../../fixtures/fixture';
import { debugfs } from '../../helpers/boot-partition';
import { coreCalls } from '../../helpers/core-calls';
import { attachLoop, insertTestCard, type LoopDevice } from '../../helpers/loop';
import { provisionFixture } from '../../helpers/provision-fixture';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

const skip = loopSkipReason() ?? commandsSkipReason('debugfs', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'chattr') ?? false;
const users = [{ name: 'core', sshAuthorizedKeys: [] }];

describe('a bench session in the core', { skip }, () => {
  let dir: string;
  let fixture: Fixture;
  const cards: LoopDevice[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-bench-session-'));
    fixture = await provisionFixture({ layout: 'mbr' });
  });
  after(() => {
    for (const card of cards) card.detach();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A core of its own: its config folder, and a card-reader folder. */
  function benchCore(name: string): { core: Core; cardDir: string; configDir: string } {
    const cardDir = path.join(dir, `${name}-cards`);
    const configDir = path.join(dir, `${name}-config`);
    mkdirSync(cardDir, { recursive: true });
    const core = createCore({ ...loadConfig({}), configDir, cacheDir: path.join(dir, `${name}-cache`), testCardDir: cardDir });
    core.grants.grantPickedFile(fixture.path);
    return { core, cardDir, configDir };
  }

  /** A fresh card file in the readers' folder, attached: the card is "inserted". */
  function insert(cardDir: string, name: string): LoopDevice {
    const card = insertTestCard(cardDir, name, fixture.size);
    cards.push(card);
    return card;
  }

  function benchUntil(core: Core, done: (status: BenchStatus) => boolean, what: string, timeoutMs = 120_000): Promise<BenchStatus> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (stop(), reject(new Error(`timed out waiting for ${what}`))), timeoutMs);
      const stop = core.events.subscribe((event, payload) => {
        if (event !== 'bench:changed' || !done(payload as BenchStatus)) return;
        clearTimeout(timer);
        stop();
        resolve(payload as BenchStatus);
      });
    });
  }

  const slotState = (status: BenchStatus, device: string) => status.slots.find((s) => s.device === device);
  const hostnameOn = (card: LoopDevice): string | undefined => {
    const boot = fixture.partitions.find((p) => p.label === 'boot')!;
    const config = JSON.parse(debugfs(card.device, boot, 'cat /ignition/config.ign')) as { storage?: { files?: Array<{ path: string; contents: { source: string } }> } };
    const file = config.storage?.files?.find((f) => f.path === '/etc/hostname');
    return file ? fromDataUrl(file.contents.source)?.trim() : undefined;
  };

  it('leaves a manual job’s card alone, refuses its own cards to a manual job, and is one batch across insertions', { timeout: 300_000 }, async () => {
    const { core, cardDir } = benchCore('batch');
    const { call, flashDone } = coreCalls(() => core);

    // A manual job is writing a card already in a reader when the session starts.
    const manual = insert(cardDir, 'manual');
    await call('drives:resolve', { path: manual.device });
    const { jobId: manualJob } = await call<{ jobId: string }>('flash:start', { source: fixture.path, targets: [manual.device] });
    const manualDone = flashDone(manualJob);
    await new Promise<void>((resolve) => {
      const stop = core.events.subscribe((event, payload) => {
        const progress = payload as FlashProgress;
        if (event !== 'flash:progress' || progress.jobId !== manualJob || progress.phase === 'preparing') return;
        stop();
        resolve();
      });
    });
    const table = { text: 'hostname,label\nsite-a,Shelf 1\nsite-b,Shelf 2\nsite-c,Shelf 3\n', name: 'site.csv' };
    const started = await call<BenchStatus>('bench:start', { source: fixture.path, provisioning: { users }, table });
    assert.deepEqual(started.session?.table, { name: 'site.csv', rows: 3, used: 0 });
    assert.deepEqual([slotState(started, manual.device)?.state, slotState(started, manual.device)?.error?.code], ['refused', 'TARGET_BUSY']);

    // One card, then two at once: the session's.
    const first = insert(cardDir, 'first');
    await benchUntil(core, (s) => slotState(s, first.device) !== undefined, 'the first card');
    await call('drives:resolve', { path: first.device });
    await assert.rejects(call('flash:start', { source: fixture.path, targets: [first.device] }), { code: 'SESSION_CARD' });
    const group = [insert(cardDir, 'second'), insert(cardDir, 'third')];
    const done = await benchUntil(core, (s) => [first, ...group].every((c) => slotState(s, c.device)?.state === 'done') && s.session?.table?.used === 3, 'three cards written');
    assert.deepEqual(done.session?.table, { name: 'site.csv', rows: 3, used: 3 }, '3 of 3 done');
    assert.equal(done.session?.written, 3);

    const manualResult = await manualDone;
    assert.equal(manualResult.ok, true, 'the manual job wrote its card undisturbed');
    assert.equal(slotState(await call<BenchStatus>('bench:status', {}), manual.device)?.state, 'refused', 'and the session never took it');

    // The table is done: a new card waits, saying so, and is never written.
    const extra = insert(cardDir, 'extra');
    const waiting = await benchUntil(core, (s) => slotState(s, extra.device)?.state === 'waiting', 'the extra card waiting');
    assert.equal(slotState(waiting, extra.device)?.waitingFor, 'rows');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal(extra.sectorsWritten(), 0, 'a card with no row left is not written');

    // One batch: the session's cards in insertion order, whatever the grouping, each with its row.
    const sessionId = done.session!.id;
    const record = JSON.parse((await call<{ text: string }>('history:batch', { jobId: sessionId, format: 'json' })).text) as { jobId: string; cards: HistoryEntry[] };
    assert.equal(record.jobId, sessionId);
    assert.deepEqual(record.cards.map((c) => [c.card, c.device.serial, c.hostname, c.label]), [
      [1, first.backingFile, 'site-a', 'Shelf 1'],
      [2, group[0]!.backingFile, 'site-b', 'Shelf 2'],
      [3, group[1]!.backingFile, 'site-c', 'Shelf 3'],
    ]);
    assert.ok(new Set(record.cards.map((c) => c.jobId)).size >= 2, 'the cards were written by more than one job');
    assert.deepEqual([first, ...group].map(hostnameOn), ['site-a', 'site-b', 'site-c'], 'each card carries its own row');

    const stopped = await call<BenchStatus>('bench:stop', {});
    assert.equal(stopped.active, false);
    await call('drives:resolve', { path: first.device });
    const { jobId } = await call<{ jobId: string }>('flash:start', { source: fixture.path, targets: [first.device] });
    assert.equal((await flashDone(jobId)).ok, true, 'once the session has ended its cards can be written by hand');
  });

  it('stops before the next card when the history cannot be saved', { timeout: 180_000 }, async () => {
    const { core, cardDir, configDir } = benchCore('unsaved');
    const { call } = coreCalls(() => core);
    // An immutable history file: it reads (empty), but appending to it fails, even as root.
    mkdirSync(configDir, { recursive: true });
    const history = path.join(configDir, 'history.jsonl');
    writeFileSync(history, '');
    execFileSync('chattr', ['+i', history]);
    after(() => execFileSync('chattr', ['-i', history]));
    await call('bench:start', { source: fixture.path, provisioning: { hostname: 'unsaved-{n}', users } });
    const first = insert(cardDir, 'first');
    const stopped = await benchUntil(core, (s) => s.session?.stopped !== undefined, 'the session to stop');
    assert.equal(stopped.active, false);
    assert.equal(stopped.session?.stopped?.code, 'STATE_NOT_SAVED');
    assert.match(stopped.session?.stopped?.message ?? '', /history could not be written/);
    assert.equal(slotState(stopped, first.device)?.state, 'done', 'the card itself was written');
    const next = insert(cardDir, 'next');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal(next.sectorsWritten(), 0, 'no card is written after the session stopped');
  });

  it('a card it wrote, pulled out and put back, is not written again and takes no row', { timeout: 240_000 }, async () => {
    const { core, cardDir } = benchCore('reinsert');
    const { call } = coreCalls(() => core);
    const table = { text: 'hostname\nsite-pump-01\nsite-pump-02\n', name: 'pumps.csv' };
    await call('bench:start', { source: fixture.path, provisioning: { users }, table });
    const first = insert(cardDir, 'pump');
    await benchUntil(core, (s) => slotState(s, first.device)?.state === 'done' && s.session?.table?.used === 1, 'the first card verified');
    first.detach();
    const out = await benchUntil(core, (s) => slotState(s, first.device)?.removedAt !== undefined, 'the card pulled out');
    assert.deepEqual([slotState(out, first.device)?.state, slotState(out, first.device)?.hostname], ['done', 'site-pump-01'], 'its slot stays, saying it went out written');

    const again = attachLoop(first.backingFile);
    cards.push(again);
    const refused = await benchUntil(core, (s) => slotState(s, again.device) !== undefined, 'the card put back');
    const slot = slotState(refused, again.device)!;
    assert.deepEqual([slot.state, slot.card, slot.error?.code], ['refused', undefined, 'ALREADY_WRITTEN']);
    assert.equal(slot.error?.message, 'Already written by the card bench as site-pump-01: take it out, or switch the bench off and on again to rewrite it.');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal(again.sectorsWritten(), 0, 'the card put back is not written');
    assert.equal(hostnameOn(again), 'site-pump-01', 'it still holds its row');

    const next = insert(cardDir, 'next');
    const done = await benchUntil(core, (s) => slotState(s, next.device)?.state === 'done' && s.session?.table?.used === 2, 'the next card verified');
    assert.equal(hostnameOn(next), 'site-pump-02', 'the next card gets the row the card put back did not take');
    assert.deepEqual([done.session?.written, done.session?.table], [2, { name: 'pumps.csv', rows: 2, used: 2 }]);
    await call('bench:stop', {});
  });

  it('a card left in its reader when the session starts keeps what a manual job wrote, until it is named', { timeout: 240_000 }, async () => {
    const { core, cardDir } = benchCore('present');
    const { call, flashDone } = coreCalls(() => core);
    const handWritten = insert(cardDir, 'hand-written');
    await call('drives:resolve', { path: handWritten.device });
    const { jobId } = await call<{ jobId: string }>('flash:start', { source: fixture.path, targets: [handWritten.device], provisioning: { hostname: 'greenhouse-1', users } });
    assert.equal((await flashDone(jobId)).ok, true);
    const sectors = handWritten.sectorsWritten();

    const table = { text: 'hostname\nsite-pump-01\nsite-pump-02\n', name: 'pumps.csv' };
    const started = await call<BenchStatus>('bench:start', { source: fixture.path, provisioning: { users }, table });
    const left = slotState(started, handWritten.device)!;
    assert.deepEqual([left.state, left.error?.code, left.card], ['refused', 'PRESENT_AT_START', undefined]);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal(handWritten.sectorsWritten(), sectors, 'the session does not write the card that was already in');
    assert.equal(hostnameOn(handWritten), 'greenhouse-1', 'it still holds what the manual job wrote');

    // "Write this one too" names the card shown: a card of another identity is not taken.
    await assert.rejects(call('bench:include', { device: handWritten.device, identity: { serial: path.join(cardDir, 'other.img'), model: 'loop device', size: fixture.size } }), { code: 'CARD_CHANGED' });
    await call('bench:include', { device: handWritten.device, identity: left.identity });
    await benchUntil(core, (s) => slotState(s, handWritten.device)?.state === 'done' && s.session?.table?.used === 1, 'the named card written');
    assert.equal(hostnameOn(handWritten), 'site-pump-01', 'named, it is the session’s first card');
    await call('bench:stop', {});
  });

  it('a retry writes nothing when another card is in the failed card’s reader', { timeout: 120_000 }, async () => {
    const { core, cardDir } = benchCore('retry');
    const { call, flashDone } = coreCalls(() => core);
    const other = insert(cardDir, 'other');
    await call('drives:resolve', { path: other.device });
    const failedCard = { serial: path.join(cardDir, 'failed.img'), model: 'loop device', size: fixture.size };
    await assert.rejects(
      call('flash:start', { source: fixture.path, targets: [other.device], expectedCards: [{ device: other.device, identity: failedCard }] }),
      (error: Error & { code?: string }) => error.code === 'CARD_CHANGED' && error.message.includes(`serial ${other.backingFile}`),
    );
    assert.equal(other.sectorsWritten(), 0);
    const same = { serial: other.backingFile, model: 'loop device', size: fixture.size };
    const { jobId } = await call<{ jobId: string }>('flash:start', { source: fixture.path, targets: [other.device], expectedCards: [{ device: other.device, identity: same }] });
    const result = await flashDone(jobId);
    assert.equal(result.ok, true);
    assert.deepEqual(result.targets[0]?.identity, same, 'the result names the card, for the next retry');
  });
});
