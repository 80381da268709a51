/** The images feature's stores over a fake API: a download followed to done picks the image; cache actions refresh the list. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCacheStore } from '../../renderer/src/features/image/cache-store';
import { createDownloadsStore } from '../../renderer/src/features/image/downloads-store';
import type { CacheEntry, CacheSummary } from '../../shared/domain/images';
import { createFakeApi, settle } from '../helpers/fake-api';

const entry: CacheEntry = {
  sha256: 'a'.repeat(64), name: 'img.raw.xz', file: 'objects/a.raw.xz', size: 10, sources: ['https://x/img.raw.xz'],
  addedAt: '2026-11-26T07:00:00Z', lastUsedAt: '2026-11-26T07:00:00Z',
  verification: { sha256: 'a'.repeat(64), checksum: 'signed', signature: { signedBy: 'F1', signer: 'Fedora' }, signatureSkipped: false, notes: [] },
  raw: null, diskBytes: 4096, removeAfterWrite: false,
};

test('a download is followed by its events and its file becomes the chosen image', async () => {
  const api = createFakeApi({ 'images:download': () => ({ downloadId: 'd1' }), 'images:cancel': () => ({ cancelled: true }) });
  const chosen: string[] = [];
  const store = createDownloadsStore(api, (path) => chosen.push(path));
  const stop = store.getState().watch();
  await store.getState().start(' https://x/img.raw.xz ', '');
  assert.deepEqual(api.calls[0], { channel: 'images:download', args: { source: 'https://x/img.raw.xz', prepareRaw: true, insecureSkipSignature: false } });
  api.emit('images:progress', { downloadId: 'other', source: 's', phase: 'downloading', bytes: 5, totalBytes: 10, speed: 1, etaSeconds: 5 });
  assert.equal(store.getState().current!.phase, 'resolving', 'events of other downloads are ignored');
  api.emit('images:progress', { downloadId: 'd1', source: 's', phase: 'downloading', bytes: 5, totalBytes: 10, speed: 1, etaSeconds: 5 });
  assert.equal(store.getState().current!.bytes, 5);
  await store.getState().cancel();
  assert.deepEqual(api.calls.at(-1), { channel: 'images:cancel', args: { downloadId: 'd1' } });
  api.emit('images:progress', { downloadId: 'd1', source: 's', phase: 'done', bytes: 10, totalBytes: 10, speed: 0, etaSeconds: null, entry, path: '/cache/objects/a.raw' });
  assert.deepEqual(chosen, ['/cache/objects/a.raw']);
  stop();
  assert.equal(api.listenerCount('images:progress'), 0);
});

test('a failed download shows its error', async () => {
  const api = createFakeApi({ 'images:download': () => ({ downloadId: 'd2' }) });
  const store = createDownloadsStore(api, () => undefined);
  store.getState().watch();
  await store.getState().start('https://x/y', 'b'.repeat(64));
  api.emit('images:progress', { downloadId: 'd2', source: 's', phase: 'failed', bytes: 0, totalBytes: null, speed: 0, etaSeconds: null, error: { code: 'CHECKSUM_MISMATCH', message: 'no' } });
  assert.equal(store.getState().error!.code, 'CHECKSUM_MISMATCH');
});

test('a failed download\'s outcome goes once another image is chosen or a new try starts; a running one stays', async () => {
  let next = 0;
  let refuse = false;
  const api = createFakeApi({
    'images:download': () => {
      if (refuse) throw new Error('refused');
      return { downloadId: `d${++next}` };
    },
  });
  const store = createDownloadsStore(api, () => undefined);
  store.getState().watch();
  const fail = (downloadId: string) => api.emit('images:progress', { downloadId, source: 's', phase: 'failed', bytes: 0, totalBytes: null, speed: 0, etaSeconds: null, error: { code: 'OFFLINE', message: 'no network' } });
  await store.getState().start('https://x/y');
  fail('d1');
  assert.equal(store.getState().current!.phase, 'failed');
  store.getState().setAside();
  assert.deepEqual([store.getState().current, store.getState().error], [null, null], 'another image was chosen: no "Failed" left over');

  await store.getState().start('https://x/y');
  fail('d2');
  // The next try is refused by the core before it starts: the last try's "Failed" does not stand for it.
  refuse = true;
  await store.getState().start('https://x/z');
  assert.equal(store.getState().current, null);
  assert.equal(store.getState().error!.code, 'INTERNAL');

  refuse = false;
  await store.getState().start('https://x/z');
  store.getState().setAside();
  assert.equal(store.getState().current!.phase, 'resolving', 'a download under way keeps showing');
});

test('cache actions call their channel and refresh the list', async () => {
  let entries = [entry];
  const summary = (): CacheSummary => ({ entries, totalBytes: entries.length * 4096, limitBytes: null, dir: '/cache' });
  const api = createFakeApi({
    'cache:list': summary,
    'cache:remove': () => {
      entries = [];
      return { removed: [entry] };
    },
    'cache:prune': () => ({ removed: [], freedBytes: 0 }),
  });
  const store = createCacheStore(api);
  await store.getState().load();
  assert.equal(store.getState().summary!.entries.length, 1);
  await store.getState().remove(entry.sha256);
  assert.equal(store.getState().summary!.entries.length, 0);
  await store.getState().prune(true);
  assert.deepEqual(api.calls.find((c) => c.channel === 'cache:prune')!.args, { limitBytes: 0 });
  await settle();
  assert.equal(store.getState().busy, false);
});
