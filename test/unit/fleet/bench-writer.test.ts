/**
 * Station mode's rules, with stand-in drives and a stand-in flash:start (the e2e test and
 * test/integration/fleet/bench-session.test.ts run the real thing on loop devices): each removable
 * card is written once while it stays in; put back, a card the session wrote is left alone (no row,
 * no number) until the session ends, while another card in its reader is a new card; fixed and
 * system drives are never touched; a card the drive rules refuse is shown with the reason, not
 * written; a job that fails to start fails its slots; cards wait for a writer and a row, never fail
 * for want of one; a failed card is retried only while it is the same card. Cards already in the
 * readers when a session starts are left alone until put back in or named ("Write this one too").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlashLocks } from '../../../electron/core/flash/flash-locks';
import { BenchWriter } from '../../../electron/core/fleet/bench-writer';
import { EventBus } from '../../../electron/core/router';
import type { Drive } from '../../../shared/domain/drive';
import type { FlashRequest } from '../../../shared/domain/flash';
import { FiotError } from '../../../shared/errors';

const card = (device: string, changes: Partial<Drive> = {}): Drive => ({
  device, description: 'SD card', size: 32e9, isSystem: false, isRemovable: true, isReadOnly: false, isVirtual: false, kind: 'drive', mountpoints: [], ...changes,
});

function bench(refuseStart = false) {
  const events = new EventBus();
  let present: Drive[] = [];
  const started: FlashRequest[] = [];
  const writer = new BenchWriter({
    events,
    locks: new FlashLocks(),
    identify: (drive) => ({ serial: drive.description, size: drive.size }),
    list: async () => present,
    startFlash: async (request) => {
      if (refuseStart) throw new FiotError('SOURCE_NOT_FOUND', '/images/iot.raw is not there.');
      started.push(request);
      return { jobId: `job-${started.length}` };
    },
  });
  return { writer, events, started, insert: (drives: Drive[]) => (present = drives) };
}

test('each card inserted is written once, with the session values and no numbering of its own', async () => {
  const { writer, events, started, insert } = bench();
  const [pump7, pump8] = [card('/dev/sdb', { description: 'card A' }), card('/dev/sdc', { description: 'card B' })];
  await writer.start({ source: '/images/iot.raw', provisioning: { hostname: 'pump-{n}' } });
  insert([pump7, pump8]);
  await writer.poll();
  assert.deepEqual(started.map((r) => r.targets), [['/dev/sdb', '/dev/sdc']], 'cards seen together share one job');
  assert.equal(started[0]!.counterStart, undefined, 'the series continues');

  events.emit('flash:progress', { jobId: 'job-1', phase: 'writing', bytes: 50, totalBytes: 100, speed: 1, etaSeconds: 1, percent: 33, targets: [
    { device: '/dev/sdb', state: 'writing', bytesWritten: 40, hostname: 'pump-7', figure: { step: 'writing', percent: 33 } },
    { device: '/dev/sdc', state: 'failed', bytesWritten: 10, hostname: 'pump-8', error: { code: 'TARGET_COUNTERFEIT', message: 'probably counterfeit' }, figure: { step: 'failed', percent: 6 } },
  ] });
  const slots = writer.status().slots;
  assert.deepEqual(slots.map((s) => [s.device, s.state, s.hostname, s.figure]), [['/dev/sdb', 'writing', 'pump-7', { step: 'writing', percent: 33 }], ['/dev/sdc', 'failed', 'pump-8', { step: 'failed', percent: 6 }]]);

  await writer.poll();
  assert.equal(started.length, 1, 'cards still in their readers are not written again');

  insert([pump8]);
  events.emit('flash:done', { jobId: 'job-1', ok: false, source: '/images/iot.raw', imageSize: 100, durationMs: 1, targets: [
    { device: '/dev/sdb', state: 'done', bytesWritten: 80, verified: true, hostname: 'pump-7' }, { device: '/dev/sdc', state: 'failed', bytesWritten: 10, verified: false },
  ] });
  await writer.poll();
  const pulled = writer.status().slots.find((s) => s.device === '/dev/sdb');
  assert.deepEqual([pulled?.state, pulled?.hostname, typeof pulled?.removedAt], ['done', 'pump-7', 'string'], 'a card pulled out keeps its slot, saying it went out written');
  // The written card put back, in another reader: left alone, saying what it was written as.
  insert([card('/dev/sdd', { description: 'card A' }), pump8]);
  await writer.poll();
  assert.equal(started.length, 1, 'a card the session wrote is not written again');
  const again = writer.status().slots.find((s) => s.device === '/dev/sdd')!;
  assert.deepEqual([again.state, again.card, again.hostname, again.error?.code], ['refused', undefined, undefined, 'ALREADY_WRITTEN']);
  assert.equal(again.error?.message, 'Already written by the card bench as pump-7: take it out, or switch the bench off and on again to rewrite it.');
  // Another card in the reader the written one left: a new card.
  insert([card('/dev/sdb', { description: 'card C' }), card('/dev/sdd', { description: 'card A' }), pump8]);
  await writer.poll();
  assert.deepEqual(started.map((r) => r.targets), [['/dev/sdb', '/dev/sdc'], ['/dev/sdb']], 'another card is a new card');
  assert.deepEqual(started[1]!.session!.cards, [3], 'the card put back took no number');
  events.emit('flash:done', { jobId: 'job-2', ok: true, source: '/images/iot.raw', imageSize: 100, durationMs: 1, targets: [{ device: '/dev/sdb', state: 'done', bytesWritten: 80, verified: true, hostname: 'pump-9' }] });
  await writer.poll();
  writer.stop();
  // A new session writes it again, once it is put in after the session started.
  await writer.start({ source: '/images/iot.raw', provisioning: { hostname: 'pump-{n}' } });
  assert.equal(started.length, 2, 'cards in the readers when the session starts are left alone');
  insert([]);
  await writer.poll();
  insert([card('/dev/sdd', { description: 'card A' })]);
  await writer.poll();
  assert.deepEqual(started.at(-1)!.targets, ['/dev/sdd'], 'ending the session lets it be rewritten');
});

test('cards in the readers when the session starts are listed, not written, until put back in or named', async () => {
  const { writer, events, started, insert } = bench();
  const [written, stick, other] = [card('/dev/sdb', { description: 'card just written by hand' }), card('/dev/sdc', { description: 'stick with files' }), card('/dev/sdd', { description: 'card D' })];
  insert([written, stick, other]);
  const status = await writer.start({ source: '/images/iot.raw', provisioning: { hostname: 'pump-{n}' } });
  assert.deepEqual(status.slots.map((s) => [s.device, s.state, s.error?.code]), [['/dev/sdb', 'refused', 'PRESENT_AT_START'], ['/dev/sdc', 'refused', 'PRESENT_AT_START'], ['/dev/sdd', 'refused', 'PRESENT_AT_START']]);
  assert.equal(status.slots[0]!.error?.message, 'In this reader before the card bench was switched on: not written.');
  await writer.poll();
  await writer.poll();
  assert.equal(started.length, 0, 'left in, they stay unwritten look after look');

  // "Write this one too", naming the card shown: another card found there instead is not taken.
  await assert.rejects(writer.include('/dev/sdc', { serial: 'another stick', size: 32e9 }), { code: 'CARD_CHANGED' });
  await writer.include('/dev/sdc', { serial: 'stick with files', size: 32e9 });
  assert.deepEqual(started.map((r) => r.targets), [['/dev/sdc']]);
  await assert.rejects(writer.include('/dev/sdc'), { code: 'NOT_FOUND' }, 'only a card left alone can be included');
  events.emit('flash:done', { jobId: 'job-1', ok: true, source: '/images/iot.raw', imageSize: 1, durationMs: 1, targets: [{ device: '/dev/sdc', state: 'done', bytesWritten: 1, verified: true, hostname: 'pump-1' }] });

  // Taken out and put back in: a card inserted now, written.
  insert([stick, other]);
  await writer.poll();
  insert([written, stick, other]);
  await writer.poll();
  assert.deepEqual(started.map((r) => r.targets), [['/dev/sdc'], ['/dev/sdb']]);
  assert.equal(writer.status().slots.find((s) => s.device === '/dev/sdd')?.error?.code, 'PRESENT_AT_START', 'the card left in is still left alone');
});

test('includePresent writes only the cards named with the identity they had when listed', async () => {
  const { writer, started, insert } = bench();
  insert([card('/dev/sdb', { description: 'card B' }), card('/dev/sdc', { description: 'swapped in' })]);
  await writer.start({ source: '/images/iot.raw', includePresent: [{ device: '/dev/sdb', identity: { serial: 'card B', size: 32e9 } }, { device: '/dev/sdc', identity: { serial: 'card C', size: 32e9 } }] });
  assert.deepEqual(started.map((r) => r.targets), [['/dev/sdb']]);
  assert.equal((started[0] as Record<string, unknown>).includePresent, undefined, 'the confirmation stays with the session, not the flash job');
  assert.equal(writer.status().slots.find((s) => s.device === '/dev/sdc')?.error?.code, 'PRESENT_AT_START', 'another card than the one listed is left alone');
});

test('ending the session between a card’s last progress and its job’s end counts the card and goes idle', async () => {
  const { writer, events, insert } = bench();
  await writer.start({ source: '/images/iot.raw' });
  insert([card('/dev/sdb')]);
  await writer.poll();
  events.emit('flash:progress', { jobId: 'job-1', phase: 'done', bytes: 1, totalBytes: 1, speed: 1, etaSeconds: 0, percent: 100, targets: [{ device: '/dev/sdb', state: 'done', bytesWritten: 1, figure: { step: 'done', percent: 100 } }] });
  writer.stop();
  const idle = writer.whenIdle();
  events.emit('flash:done', { jobId: 'job-1', ok: true, source: '/images/iot.raw', imageSize: 1, durationMs: 1, targets: [{ device: '/dev/sdb', state: 'done', bytesWritten: 1, verified: true }] });
  await idle;
  assert.equal(writer.status().session?.written, 1, 'the card is counted');
});

test('a card pulled out between its last progress and its job’s end is still known when put back', async () => {
  const { writer, events, started, insert } = bench();
  await writer.start({ source: '/images/iot.raw', provisioning: { hostname: 'pump-{n}' } });
  insert([card('/dev/sdb', { description: 'card A' })]);
  await writer.poll();
  events.emit('flash:progress', { jobId: 'job-1', phase: 'done', bytes: 1, totalBytes: 1, speed: 1, etaSeconds: 0, percent: 100, targets: [{ device: '/dev/sdb', state: 'done', bytesWritten: 1, hostname: 'pump-1', figure: { step: 'done', percent: 100 } }] });
  insert([]);
  await writer.poll();
  events.emit('flash:done', { jobId: 'job-1', ok: true, source: '/images/iot.raw', imageSize: 1, durationMs: 1, targets: [{ device: '/dev/sdb', state: 'done', bytesWritten: 1, verified: true, hostname: 'pump-1' }] });
  await writer.poll();
  insert([card('/dev/sdc', { description: 'card A' })]);
  await writer.poll();
  assert.equal(started.length, 1, 'the card put back is not written again');
  assert.equal(writer.status().slots.find((s) => s.device === '/dev/sdc')?.error?.code, 'ALREADY_WRITTEN');
  assert.equal(writer.status().session?.written, 1);
});

test('a card with no serial is not taken for one the session wrote', async () => {
  const events = new EventBus();
  let present: Drive[] = [];
  const started: FlashRequest[] = [];
  const writer = new BenchWriter({ events, locks: new FlashLocks(), identify: (d) => ({ model: 'SD reader', size: d.size }), list: async () => present, startFlash: async (request) => (started.push(request), { jobId: `job-${started.length}` }) });
  await writer.start({ source: '/images/iot.raw' });
  present = [card('/dev/sdb')];
  await writer.poll();
  events.emit('flash:done', { jobId: 'job-1', ok: true, source: '/images/iot.raw', imageSize: 1, durationMs: 1, targets: [{ device: '/dev/sdb', state: 'done', bytesWritten: 1, verified: true }] });
  present = [];
  await writer.poll();
  // Same model and size, no serial: it cannot be told apart from another card, so it is written.
  present = [card('/dev/sdb')];
  await writer.poll();
  assert.equal(started.length, 2);
});

test('fixed, system and refused drives are never written', async () => {
  const { writer, started, insert } = bench();
  insert([
    card('/dev/sda', { isRemovable: false }),
    card('/dev/sdd', { isSystem: true }),
    card('/dev/sde', { isReadOnly: true }),
    card('/dev/sdf', { size: 500e9 }),
  ]);
  await writer.start({ source: '/images/iot.raw' });
  assert.deepEqual(started, []);
  assert.deepEqual(writer.status().slots.map((s) => [s.device, s.state, s.error?.code]), [['/dev/sde', 'refused', 'TARGET_READ_ONLY'], ['/dev/sdf', 'refused', 'TARGET_LARGE']]);
});

test('a job that cannot start fails its slots with the reason; switched off, the failed card keeps its tile until taken out', async () => {
  const { writer, insert, started } = bench(true);
  const status = await writer.start({ source: '/images/iot.raw' });
  assert.equal(status.active, true);
  insert([card('/dev/sdb')]);
  await writer.poll();
  assert.deepEqual(writer.status().slots.map((s) => [s.state, s.error?.code]), [['failed', 'SOURCE_NOT_FOUND']]);
  const stopped = writer.stop();
  assert.equal(stopped.active, false);
  assert.deepEqual(stopped.slots.map((s) => [s.device, s.state, s.error?.code, s.removedAt]), [['/dev/sdb', 'failed', 'SOURCE_NOT_FOUND', undefined]], 'still in its reader: its result stays on show');
  assert.deepEqual([stopped.session?.written, stopped.session?.failed], [0, 0], 'the session it ended stays readable');
  await assert.rejects(writer.retry('/dev/sdb'), { code: 'NOT_FOUND' });
  // Switched off, a card put in is not the bench's; the card taken out is noted as taken out.
  insert([card('/dev/sdc')]);
  await writer.poll();
  assert.deepEqual(writer.status().slots.map((s) => [s.device, s.state, Boolean(s.removedAt)]), [['/dev/sdb', 'failed', true]]);
  assert.deepEqual(started, []);
});

test('switched off, every card still in a reader keeps its tile, written, waiting or left alone, until taken out', async () => {
  const { writer, jobs, finish, insert } = busyBench({ writers: 1 });
  const [early, a, b, c] = [card('/dev/sdb', { description: 'in before' }), card('/dev/sdc', { description: 'card A' }), card('/dev/sdd', { description: 'card B' }), card('/dev/sde', { description: 'card C' })];
  insert([early]);
  await writer.start({ source: '/images/iot.raw', provisioning: { hostname: 'pump-{n}' } });
  insert([early, a]);
  await writer.poll();
  await finish('job-1');
  insert([early, a, b]);
  await writer.poll();
  insert([early, a, b, c]);
  await writer.poll();
  assert.deepEqual(writer.status().slots.map((s) => [s.device, s.state]), [['/dev/sdb', 'refused'], ['/dev/sdc', 'done'], ['/dev/sdd', 'pending'], ['/dev/sde', 'waiting']]);

  const off = writer.stop();
  assert.deepEqual(off.slots.map((s) => [s.device, s.state, s.hostname ?? null, s.error?.code ?? null]), [
    ['/dev/sdb', 'refused', null, 'PRESENT_AT_START'], ['/dev/sdc', 'done', 'pump-1', null], ['/dev/sdd', 'pending', null, null], ['/dev/sde', 'refused', null, 'BENCH_OFF'],
  ], 'every card in a reader keeps its tile; the one that waited says it was not written');
  assert.equal(off.slots[3]!.error?.message, 'Not written: the card bench was switched off while it waited.');
  await finish('job-2');
  await writer.poll();
  assert.deepEqual(writer.status().slots.map((s) => [s.device, s.state, Boolean(s.removedAt)]), [['/dev/sdb', 'refused', false], ['/dev/sdc', 'done', false], ['/dev/sdd', 'done', false], ['/dev/sde', 'refused', false]], 'the card being written finishes on show');
  assert.equal(jobs.size, 2, 'the card that waited is not written');

  // Taken out one by one: each tile says it went out (and how) until dismissed.
  insert([early, b]);
  await writer.poll();
  assert.deepEqual(writer.status().slots.map((s) => [s.device, Boolean(s.removedAt)]), [['/dev/sdb', false], ['/dev/sdc', true], ['/dev/sdd', false], ['/dev/sde', true]]);
  writer.dismiss('/dev/sdc');
  insert([]);
  await writer.poll();
  assert.deepEqual(writer.status().slots.map((s) => [s.device, s.state, Boolean(s.removedAt)]), [['/dev/sdb', 'refused', true], ['/dev/sdd', 'done', true], ['/dev/sde', 'refused', true]]);
  assert.equal(jobs.size, 2);
});

/** A bench whose jobs take real job slots (two writers) and end when the test says. */
function busyBench(options: { writers?: number; tableRows?: number } = {}) {
  const events = new EventBus();
  const locks = new FlashLocks(options.writers ?? 2);
  let present: Drive[] = [];
  const jobs = new Map<string, { request: FlashRequest; leave: () => void }>();
  let used = 0;
  const writer = new BenchWriter({
    events,
    locks,
    identify: (drive) => ({ serial: drive.description, size: drive.size }),
    list: async () => present,
    startFlash: async (request) => {
      const leave = locks.enterJob();
      const jobId = `job-${jobs.size + 1}`;
      jobs.set(jobId, { request, leave });
      return { jobId };
    },
    ...(options.tableRows === undefined ? {} : { countTable: async () => ({ rows: options.tableRows!, left: options.tableRows! - used }) }),
  });
  /** The job ends: its cards verified, or failed. */
  const finish = async (jobId: string, state: 'done' | 'failed' = 'done') => {
    const job = jobs.get(jobId)!;
    job.leave();
    if (state === 'done') used += job.request.targets.length;
    events.emit('flash:done', { jobId, ok: state === 'done', source: job.request.source, imageSize: 100, durationMs: 1, targets: job.request.targets.map((device, i) => ({
      device, state, bytesWritten: 100, verified: state === 'done', hostname: `pump-${job.request.session!.cards[i]}`,
      ...(state === 'failed' ? { error: { code: 'VERIFY_FAILED', message: `${device} does not hold what was written.` } } : {}),
    })) });
    await writer.poll();
  };
  return { writer, events, jobs, finish, insert: (drives: Drive[]) => (present = drives) };
}

test('twelve cards inserted one per poll with two writers: none fails, each waits for a free writer, in insertion order', async () => {
  const { writer, jobs, finish, insert } = busyBench();
  const cards = Array.from({ length: 12 }, (_, i) => card(`/dev/sd${String.fromCharCode(98 + i)}`, { description: `card ${i + 1}` }));
  await writer.start({ source: '/images/iot.raw', provisioning: { hostname: 'pump-{n}' } });
  let finished = 0;
  for (let i = 0; i < cards.length; i++) {
    insert(cards.slice(0, i + 1));
    await writer.poll();
    const slots = writer.status().slots;
    assert.ok(slots.every((s) => s.state !== 'failed'), `no card fails after insertion ${i + 1}: ${JSON.stringify(slots.map((s) => [s.device, s.state, s.error?.code]))}`);
    for (const slot of slots.filter((s) => s.state === 'waiting')) assert.equal(slot.waitingFor, 'writer');
    // A writer frees every other insertion: the bench fills faster than it writes.
    if (i % 2 === 1) await finish(`job-${++finished}`);
  }
  while (finished < jobs.size) await finish(`job-${++finished}`);
  const status = writer.status();
  assert.deepEqual(status.slots.map((s) => s.state), Array(12).fill('done'));
  assert.equal(status.session?.written, 12);
  const numbered = [...jobs.values()].flatMap((j) => j.request.targets.map((device, i) => [device, j.request.session!.cards[i]]));
  assert.deepEqual(numbered, cards.map((c, i) => [c.device, i + 1]), 'cards are numbered, and started, in insertion order');
  assert.equal(new Set([...jobs.values()].map((j) => j.request.session!.id)).size, 1, 'every job is the one session (one batch)');
  assert.ok(jobs.size < 12, 'cards waiting together share a job');
});

test('with one row left the first card gets it and the second waits with no rows left; a failed card gives its row back', async () => {
  const { writer, jobs, finish, insert } = busyBench({ tableRows: 2 });
  const [a, b, c] = [card('/dev/sdb', { description: 'a' }), card('/dev/sdc', { description: 'b' }), card('/dev/sdd', { description: 'c' })];
  const table = { text: 'hostname\nx\ny\n', name: 'site.csv' };
  const first = await writer.start({ source: '/images/iot.raw', table });
  assert.deepEqual(first.session?.table, { name: 'site.csv', rows: 2, used: 0 });
  insert([a]);
  await writer.poll();
  await finish('job-1');
  insert([a, b, c]);
  await writer.poll();
  const state = () => Object.fromEntries(writer.status().slots.map((s) => [s.description, [s.state, s.waitingFor]]));
  assert.deepEqual(state(), { a: ['done', undefined], b: ['pending', undefined], c: ['waiting', 'rows'] });
  await finish('job-2', 'failed');
  assert.deepEqual(state(), { a: ['done', undefined], b: ['failed', undefined], c: ['pending', undefined] }, 'the failed card’s row goes to the next card');
  await finish('job-3');
  assert.deepEqual(writer.status().session?.table, { name: 'site.csv', rows: 2, used: 2 });
  assert.equal(jobs.size, 3);
});

test('a manual job refuses the session’s cards, and the session leaves a card a manual job holds alone', async () => {
  const events = new EventBus();
  const locks = new FlashLocks();
  const started: FlashRequest[] = [];
  const manual = card('/dev/sdm', { description: 'manual' });
  const inserted = card('/dev/sdn', { description: 'inserted' });
  let present = [manual];
  const writer = new BenchWriter({ events, locks, identify: (d) => ({ serial: d.description }), list: async () => present, startFlash: async (request) => (started.push(request), { jobId: 'job-1' }) });
  const unlockManual = locks.lockTargets([manual]);
  const status = await writer.start({ source: '/images/iot.raw' });
  assert.deepEqual(status.slots.map((s) => [s.device, s.state, s.error?.code]), [['/dev/sdm', 'refused', 'TARGET_BUSY']]);
  unlockManual();
  present = [manual, inserted];
  await writer.poll();
  assert.deepEqual(started.map((r) => r.targets), [['/dev/sdn']], 'the manual job’s card is not claimed once that job ends either');
  assert.throws(() => locks.refuseClaimed(['/dev/sdn']), { code: 'SESSION_CARD' });
  assert.throws(() => locks.lockTargets([inserted]), { code: 'SESSION_CARD' });
  locks.refuseClaimed(['/dev/sdn'], started[0]!.session!.id);
  events.emit('flash:done', { jobId: 'job-1', ok: true, source: '/images/iot.raw', imageSize: 1, durationMs: 1, targets: [{ device: '/dev/sdn', state: 'done', bytesWritten: 1, verified: true }] });
  assert.throws(() => locks.refuseClaimed(['/dev/sdn']), { code: 'SESSION_CARD' }, 'written and still in its reader, it is still the session’s');
  present = [manual];
  await writer.poll();
  locks.refuseClaimed(['/dev/sdn']);
  assert.deepEqual(writer.status().slots.map((s) => [s.device, Boolean(s.removedAt)]), [['/dev/sdm', false], ['/dev/sdn', true]], 'pulled out, the card is free again; its slot says it was taken out');
});

test('Retry rewrites a failed card only while it is the same card; another card in its reader is a new card', async () => {
  const { writer, jobs, finish, insert } = busyBench();
  await writer.start({ source: '/images/iot.raw' });
  insert([card('/dev/sdb', { description: 'first' })]);
  await writer.poll();
  await finish('job-1', 'failed');
  const failed = writer.status().slots[0]!;
  assert.equal(failed.state, 'failed');
  assert.match(failed.error?.message ?? '', /does not hold what was written/);

  // Swapped between two looks: Retry refuses to write the other card.
  insert([card('/dev/sdb', { description: 'second' })]);
  await assert.rejects(writer.retry('/dev/sdb'), { code: 'CARD_CHANGED' });
  assert.equal(jobs.size, 1, 'nothing was started for the other card by Retry');

  insert([card('/dev/sdb', { description: 'first' })]);
  await writer.retry('/dev/sdb');
  assert.equal(jobs.size, 2);
  assert.deepEqual(jobs.get('job-2')!.request.session!.cards, [1], 'the retried card keeps its number in the session');
  await finish('job-2');
  assert.equal(writer.status().session?.written, 1);
});

test('a state file that cannot be saved stops the session before the next card', async () => {
  const { writer, events, jobs, insert } = busyBench();
  await writer.start({ source: '/images/iot.raw' });
  insert([card('/dev/sdb', { description: 'a' })]);
  await writer.poll();
  insert([card('/dev/sdb', { description: 'a' }), card('/dev/sdc', { description: 'b' })]);
  // b is inserted; the session's next look comes after a's job has ended without saving the history.
  jobs.get('job-1')!.leave();
  events.emit('flash:done', {
    jobId: 'job-1', ok: true, source: '/images/iot.raw', imageSize: 1, durationMs: 1,
    targets: [{ device: '/dev/sdb', state: 'done', bytesWritten: 1, verified: true }],
    notSaved: { code: 'STATE_NOT_SAVED', message: 'The flash history could not be written in /config: EISDIR.' },
  });
  await writer.poll();
  const status = writer.status();
  assert.equal(status.active, false);
  assert.equal(status.session?.stopped?.code, 'STATE_NOT_SAVED');
  assert.equal(jobs.size, 1, 'no card is written after it');
});

test('a card whose old contents may remain keeps that on its tile until it leaves; a retried card starts without it', async () => {
  const { writer, events, insert } = bench();
  await writer.start({ source: '/images/iot.raw' });
  insert([card('/dev/sdb', { description: 'card A' }), card('/dev/sdc', { description: 'card B' })]);
  await writer.poll();
  events.emit('flash:done', { jobId: 'job-1', ok: false, source: '/images/iot.raw', imageSize: 100, durationMs: 1, targets: [
    { device: '/dev/sdb', state: 'done', bytesWritten: 80, verified: true, oldData: { discarded: false, reason: 'unsupported' } },
    { device: '/dev/sdc', state: 'failed', bytesWritten: 10, verified: false, error: { code: 'WRITE_FAILED', message: 'I/O error' }, oldData: { discarded: true } },
  ] });
  const slots = writer.status().slots;
  assert.deepEqual(slots.map((s) => [s.device, s.state, s.oldData]), [['/dev/sdb', 'done', { discarded: false, reason: 'unsupported' }], ['/dev/sdc', 'failed', { discarded: true }]]);
  await writer.retry('/dev/sdc');
  assert.equal(writer.status().slots.find((s) => s.device === '/dev/sdc')?.oldData, undefined, 'the retry has not been discarded yet');
});

test('a card taken out keeps its slot until dismissed or the next card goes into its reader; nothing is lost from the count', async () => {
  const { writer, events, insert } = bench();
  const [a, b] = [card('/dev/sdb', { description: 'card A' }), card('/dev/sdc', { description: 'card B' })];
  await writer.start({ source: '/images/iot.raw', provisioning: { hostname: 'pump-{n}' } });
  insert([a]);
  await writer.poll();
  // Its job's last progress says done: counted there, not when the job's end comes later.
  events.emit('flash:progress', { jobId: 'job-1', phase: 'done', bytes: 100, totalBytes: 100, speed: 1, etaSeconds: 0, percent: 100, targets: [{ device: '/dev/sdb', state: 'done', bytesWritten: 80, hostname: 'pump-7', figure: { step: 'done', percent: 100 } }] });
  assert.equal(writer.status().session?.written, 1, 'counted with the tile that shows it done');
  events.emit('flash:done', { jobId: 'job-1', ok: true, source: '/images/iot.raw', imageSize: 100, durationMs: 1, targets: [{ device: '/dev/sdb', state: 'done', bytesWritten: 80, verified: true, hostname: 'pump-7' }] });
  assert.equal(writer.status().session?.written, 1, 'and not counted twice');

  insert([]);
  await writer.poll();
  const out = writer.status().slots;
  assert.deepEqual(out.map((s) => [s.device, s.state, s.hostname]), [['/dev/sdb', 'done', 'pump-7']]);
  assert.ok(out[0]!.removedAt && !Number.isNaN(Date.parse(out[0]!.removedAt)));
  assert.throws(() => writer.dismiss('/dev/sdc'), { code: 'NOT_FOUND' });

  // The next card in the same reader takes the slot; a card dismissed is gone.
  insert([card('/dev/sdb', { description: 'card C' })]);
  await writer.poll();
  assert.deepEqual(writer.status().slots.map((s) => [s.device, s.state, s.removedAt]), [['/dev/sdb', 'pending', undefined]]);
  assert.throws(() => writer.dismiss('/dev/sdb'), { code: 'NOT_FOUND' }, 'a card in its reader is not dismissed');
  events.emit('flash:done', { jobId: 'job-2', ok: false, source: '/images/iot.raw', imageSize: 100, durationMs: 1, targets: [{ device: '/dev/sdb', state: 'failed', bytesWritten: 8, verified: false, error: { code: 'WRITE_FAILED', message: 'The card stopped answering.' } }] });
  insert([b]);
  await writer.poll();
  const failed = writer.status().slots.find((s) => s.device === '/dev/sdb')!;
  assert.deepEqual([failed.state, failed.error?.code, Boolean(failed.removedAt)], ['failed', 'WRITE_FAILED', true], 'a failed card taken out says so, with its reason');
  assert.deepEqual([writer.status().session?.written, writer.status().session?.failed], [1, 1]);
  const status = writer.dismiss('/dev/sdb');
  assert.deepEqual(status.slots.map((s) => s.device), ['/dev/sdc']);
  // Ending the session keeps a note of a card taken out; the next session starts without it.
  events.emit('flash:done', { jobId: 'job-3', ok: true, source: '/images/iot.raw', imageSize: 100, durationMs: 1, targets: [{ device: '/dev/sdc', state: 'done', bytesWritten: 80, verified: true }] });
  insert([]);
  await writer.poll();
  assert.deepEqual(writer.stop().slots.map((s) => [s.device, Boolean(s.removedAt)]), [['/dev/sdc', true]]);
  assert.deepEqual((await writer.start({ source: '/images/iot.raw' })).slots, []);
});
