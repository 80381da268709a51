/**
 * The flash domain through the router, as the app and the station use it: flash:start answers
 * with a job id at once, flash:progress and one flash:done follow on the event bus (validated
 * against the contract on the way out), flash:cancel stops a job.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createCore } from '../../electron/core/app-core';
import { loadConfig } from '../../electron/core/config';
import type { EventName } from '../../shared/contract';
import type { FlashProgress, FlashResult } from '../../shared/domain/flash';

const MiB = 1024 * 1024;
let dir = '';
let image = '';

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-flash-handlers-'));
  image = path.join(dir, 'disk.img');
  const head = Buffer.alloc(MiB, 0x21);
  head[510] = 0x55;
  head[511] = 0xaa;
  writeFileSync(image, head);
  truncateSync(image, 64 * MiB);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function setup() {
  const { router, events } = createCore(loadConfig({ FIOT_CONFIG_DIR: dir, FIOT_CACHE_DIR: dir }), { imageFolders: [dir] });
  const seen: Array<{ event: EventName; payload: unknown }> = [];
  const done = new Promise<FlashResult>((resolve) =>
    events.subscribe((event, payload) => {
      seen.push({ event, payload });
      if (event === 'flash:done') resolve(payload as FlashResult);
    }),
  );
  return { router, seen, done };
}

test('flash:start answers with a job id, then progress and one flash:done with the verified result', async () => {
  const { router, seen, done } = setup();
  const out = path.join(dir, 'card.img');
  assert.ok((await router.handle('drives:resolve', { path: out })).ok, 'a new image file in the images folder is handed out');
  const answer = await router.handle('flash:start', { source: image, targets: [out] });
  assert.ok(answer.ok);
  const { jobId } = answer.value as { jobId: string };
  const result = await done;
  assert.equal(result.jobId, jobId);
  assert.equal(result.ok, true, JSON.stringify(result.error));
  assert.equal(result.targets[0]?.verified, true);
  assert.ok(readFileSync(out).equals(readFileSync(image)));
  const progress = seen.filter((s) => s.event === 'flash:progress').map((s) => s.payload as FlashProgress);
  assert.ok(progress.length >= 2 && progress.every((p) => p.jobId === jobId));
  assert.equal(seen.filter((s) => s.event === 'flash:done').length, 1);
});

test('flash:start with bad input is refused by the contract; flash:cancel of an unknown job says so', async () => {
  const { router } = setup();
  const refused = await router.handle('flash:start', { source: image, targets: [] });
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.error.code, 'INVALID_INPUT');
  const cancel = await router.handle('flash:cancel', { jobId: 'no-such-job' });
  assert.deepEqual(cancel, { ok: true, value: { cancelled: false } });
});

test('flash:cancel stops a running job: flash:done reports it cancelled', async () => {
  const { router, done } = setup();
  const out = path.join(dir, 'cancelled.img');
  await router.handle('drives:resolve', { path: out });
  const answer = await router.handle('flash:start', { source: image, targets: [out] });
  assert.ok(answer.ok);
  const cancel = await router.handle('flash:cancel', { jobId: (answer.value as { jobId: string }).jobId });
  assert.deepEqual(cancel, { ok: true, value: { cancelled: true } });
  const result = await done;
  assert.equal(result.ok, false);
  assert.equal(result.targets[0]?.state, 'cancelled');
});
