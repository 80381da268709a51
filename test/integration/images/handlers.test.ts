/**
 * The images channels through the real router, as the UI and the station use them: a download
 * reported by images:progress to done, cancel, the cache listed and emptied, and "remove after
 * writing" honoured when the flash domain announces the job's end.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ImageProgress } from '../../../shared/domain/images';
import { createCore, type Core } from '../../../electron/core/app-core';
import { loadConfig } from '../../../electron/core/config';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { randomImage, tempImages, type TempImages } from './setup';

const MiB = 1024 * 1024;
let server: ImageServer;
let temp: TempImages;
let core: Core;

before(async () => {
  server = await startImageServer();
  temp = tempImages();
  core = createCore({ ...loadConfig({}), cacheDir: temp.cacheDir, configDir: temp.root });
});
after(async () => {
  await server.close();
  temp.dispose();
});

async function call<T>(channel: string, args: unknown): Promise<T> {
  const answer = await core.router.handle(channel, args);
  if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
  return answer.value as T;
}

function untilEnd(downloadId: string): Promise<ImageProgress[]> {
  return new Promise((resolve) => {
    const seen: ImageProgress[] = [];
    const stop = core.events.subscribe((event, payload) => {
      const progress = payload as ImageProgress;
      if (event !== 'images:progress' || progress.downloadId !== downloadId) return;
      seen.push(progress);
      if (['done', 'failed', 'cancelled'].includes(progress.phase)) {
        stop();
        resolve(seen);
      }
    });
  });
}

test('images:download reports progress to done; cache:list shows it; cache:remove removes it', async () => {
  const image = randomImage(2 * MiB);
  server.files.set('/ui.raw', { body: image.body });
  const { downloadId } = await call<{ downloadId: string }>('images:download', { source: server.url('/ui.raw'), sha256: image.sha256 });
  const seen = await untilEnd(downloadId);
  const last = seen.at(-1)!;
  assert.equal(last.phase, 'done');
  assert.equal(last.entry!.verification.checksum, 'sha256');
  assert.ok(last.path!.startsWith(temp.cacheDir));
  assert.ok(seen.some((p) => p.phase === 'downloading'));
  const list = await call<{ entries: { sha256: string }[] }>('cache:list', {});
  assert.deepEqual(list.entries.map((e) => e.sha256), [image.sha256]);
  await call('cache:remove', { ref: image.sha256 });
  assert.deepEqual((await call<{ entries: unknown[] }>('cache:list', {})).entries, []);
});

test('a bad sha256 is refused as INVALID_INPUT before anything starts; a mismatch ends failed', async () => {
  const refused = await core.router.handle('images:download', { source: server.url('/ui.raw'), sha256: 'xyz' });
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.error.code, 'INVALID_INPUT');
  const { downloadId } = await call<{ downloadId: string }>('images:download', { source: server.url('/ui.raw'), sha256: 'ab'.repeat(32) });
  const last = (await untilEnd(downloadId)).at(-1)!;
  assert.equal(last.phase, 'failed');
  assert.equal(last.error!.code, 'CHECKSUM_MISMATCH');
});

test('images:cancel stops a running download', async () => {
  server.files.set('/slow-ui.raw', { body: randomImage(4 * MiB).body });
  server.faults.throttle = { bytes: 64 * 1024, ms: 50 };
  try {
    const { downloadId } = await call<{ downloadId: string }>('images:download', { source: server.url('/slow-ui.raw') });
    const ended = untilEnd(downloadId);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(await call('images:cancel', { downloadId }), { cancelled: true });
    assert.equal((await ended).at(-1)!.phase, 'cancelled');
  } finally {
    server.faults.throttle = undefined;
  }
});

test('an image marked "remove after writing" goes when its flash is done', async () => {
  const image = randomImage(MiB);
  server.files.set('/once.raw', { body: image.body });
  const url = server.url('/once.raw');
  const { downloadId } = await call<{ downloadId: string }>('images:download', { source: url, removeAfterWrite: true });
  assert.equal((await untilEnd(downloadId)).at(-1)!.phase, 'done');
  core.events.emit('flash:done', { jobId: 'j', ok: true, source: url, imageSize: MiB, targets: [], durationMs: 1 });
  for (let i = 0; i < 50 && (await call<{ entries: unknown[] }>('cache:list', {})).entries.length > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual((await call<{ entries: unknown[] }>('cache:list', {})).entries, []);
});
