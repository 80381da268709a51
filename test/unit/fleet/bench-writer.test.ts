/**
 * Station mode's rules, with stand-in drives and a stand-in flash:start (the e2e test runs the
 * real thing on loop devices): each removable card is written once while it stays in, again only
 * after it was pulled and put back; fixed and system drives are never touched; a card the drive
 * rules refuse is shown with the reason, not written; a job that fails to start fails its slots.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
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
    list: async () => present,
    startFlash: async (request) => {
      if (refuseStart) throw new FiotError('TABLE_EXHAUSTED', 'The device table has 0 unused rows for 1 card.');
      started.push(request);
      return { jobId: `job-${started.length}` };
    },
  });
  return { writer, events, started, insert: (drives: Drive[]) => (present = drives) };
}

test('each card inserted is written once, with the session values and no numbering of its own', async () => {
  const { writer, events, started, insert } = bench();
  insert([card('/dev/sdb'), card('/dev/sdc')]);
  await writer.start({ source: '/images/iot.raw', provisioning: { hostname: 'pump-{n}' } });
  assert.deepEqual(started.map((r) => r.targets), [['/dev/sdb', '/dev/sdc']], 'cards seen together share one job');
  assert.equal(started[0]!.counterStart, undefined, 'the series continues');

  events.emit('flash:progress', { jobId: 'job-1', phase: 'writing', bytes: 50, totalBytes: 100, speed: 1, etaSeconds: 1, targets: [
    { device: '/dev/sdb', state: 'writing', bytesWritten: 40, hostname: 'pump-7' }, { device: '/dev/sdc', state: 'failed', bytesWritten: 10, hostname: 'pump-8', error: { code: 'TARGET_COUNTERFEIT', message: 'probably counterfeit' } },
  ] });
  const slots = writer.status().slots;
  assert.deepEqual(slots.map((s) => [s.device, s.state, s.hostname, s.phaseBytes]), [['/dev/sdb', 'writing', 'pump-7', 50], ['/dev/sdc', 'failed', 'pump-8', 0]]);

  await writer.poll();
  assert.equal(started.length, 1, 'cards still in their readers are not written again');

  insert([card('/dev/sdc')]);
  events.emit('flash:done', { jobId: 'job-1', ok: false, source: '/images/iot.raw', imageSize: 100, durationMs: 1, targets: [
    { device: '/dev/sdb', state: 'done', bytesWritten: 80, verified: true, hostname: 'pump-7' }, { device: '/dev/sdc', state: 'failed', bytesWritten: 10, verified: false },
  ] });
  await writer.poll();
  assert.deepEqual(writer.status().slots.map((s) => s.device), ['/dev/sdc'], 'a card pulled out leaves its slot');
  insert([card('/dev/sdb'), card('/dev/sdc')]);
  await writer.poll();
  assert.deepEqual(started.map((r) => r.targets), [['/dev/sdb', '/dev/sdc'], ['/dev/sdb']], 'put back, it is a new card');
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

test('a job that cannot start fails its slots with the reason; stopping ends the watching', async () => {
  const { writer, insert } = bench(true);
  insert([card('/dev/sdb')]);
  const status = await writer.start({ source: '/images/iot.raw' });
  assert.equal(status.active, true);
  assert.deepEqual(writer.status().slots.map((s) => [s.state, s.error?.code]), [['failed', 'TABLE_EXHAUSTED']]);
  assert.deepEqual(writer.stop(), { active: false, slots: [] });
});
