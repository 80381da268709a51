/**
 * The renderer's stores are plain JavaScript: these tests drive their state transitions through a
 * fake API, as the UI would, and check what a component would then show.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDrivesStore, allDrives, selectedDrives } from '../../renderer/src/features/drives/drives-store';
import { createJobStore } from '../../renderer/src/features/write/job-store';
import { cardsPresent } from '../../renderer/src/features/write/stale-result';
import { createImageStore } from '../../renderer/src/features/image/image-store';
import type { Drive } from '../../shared/domain/drive';
import type { FlashProgress, FlashResult } from '../../shared/domain/flash';
import { FiotError } from '../../shared/errors';
import { createFakeApi, settle } from '../helpers/fake-api';

function drive(device: string, extra: Partial<Drive> = {}): Drive {
  return { device, description: `Card ${device}`, size: 32e9, isSystem: false, isRemovable: true, isReadOnly: false, isVirtual: false, kind: 'drive', mountpoints: [], ...extra };
}

function progress(jobId: string, bytes: number): FlashProgress {
  return { jobId, phase: 'writing', bytes, totalBytes: 100, speed: 10, etaSeconds: 5, percent: Math.floor(bytes * 0.66), targets: [{ device: '/dev/sdb', state: 'writing', bytesWritten: bytes, figure: { step: 'writing', percent: Math.floor(bytes * 0.66) } }] };
}

function result(jobId: string, ok: boolean): FlashResult {
  return { jobId, ok, source: '/img.raw.xz', imageSize: 100, targets: [{ device: '/dev/sdb', state: ok ? 'done' : 'failed', bytesWritten: 100, verified: ok, writtenSha256: ok ? 'ab'.repeat(32) : undefined }], durationMs: 1000 };
}

test('drives: lists, follows drives:changed, and drops a pulled card from the selection', async () => {
  let listed = [drive('/dev/sdb'), drive('/dev/sdc')];
  const api = createFakeApi({ 'drives:list': () => ({ drives: listed }) });
  const store = createDrivesStore(api);
  const stop = store.getState().watch();
  await store.getState().load();
  assert.equal(store.getState().status, 'ready');
  store.getState().toggle('/dev/sdb');
  store.getState().toggle('/dev/sdc');
  assert.deepEqual(store.getState().selected, ['/dev/sdb', '/dev/sdc']);

  listed = [drive('/dev/sdc')];
  api.emit('drives:changed', { drives: listed });
  await settle();
  assert.deepEqual(allDrives(store.getState()).map((d) => d.device), ['/dev/sdc']);
  assert.deepEqual(selectedDrives(store.getState()).map((d) => d.device), ['/dev/sdc']);

  stop();
  assert.equal(api.listenerCount('drives:changed'), 0);
});

test('drives: "show all" asks the core for system drives too', async () => {
  const api = createFakeApi({ 'drives:list': ({ all }) => ({ drives: all ? [drive('/dev/vda', { isSystem: true })] : [] }) });
  const store = createDrivesStore(api);
  await store.getState().setShowAll(true);
  assert.deepEqual(api.calls.at(-1), { channel: 'drives:list', args: { all: true } });
  assert.equal(store.getState().listed[0]?.isSystem, true);
});

test('drives: a device added by path is resolved, listed after the others and selected', async () => {
  const api = createFakeApi({
    'drives:list': () => ({ drives: [drive('/dev/sdb')] }),
    'drives:resolve': ({ path }) => {
      if (path === '/dev/nope') throw new FiotError('TARGET_NOT_FOUND', 'There is no /dev/nope.');
      return { drive: drive(path, { kind: 'loop', isRemovable: false }) };
    },
  });
  const store = createDrivesStore(api);
  await store.getState().load();
  assert.equal(await store.getState().addByPath('  /dev/loop7 '), true);
  assert.deepEqual(allDrives(store.getState()).map((d) => d.device), ['/dev/sdb', '/dev/loop7']);
  assert.deepEqual(store.getState().selected, ['/dev/loop7']);

  assert.equal(await store.getState().addByPath('/dev/nope'), false);
  assert.equal(store.getState().addError?.code, 'TARGET_NOT_FOUND');
  assert.equal(await store.getState().addByPath('   '), false);
  assert.equal(store.getState().addError?.code, 'INVALID_INPUT');
  assert.equal(api.calls.filter((c) => c.channel === 'drives:resolve').length, 2, 'an empty path never reaches the core');
});

test('drives: a failed listing is shown as an error, not as an empty list', async () => {
  const api = createFakeApi({ 'drives:list': () => { throw new FiotError('PERMISSION_DENIED', 'no access'); } });
  const store = createDrivesStore(api);
  await store.getState().load();
  assert.equal(store.getState().status, 'error');
  assert.equal(store.getState().error?.code, 'PERMISSION_DENIED');
});

test('job: runs from start to a verified result, ignoring other jobs’ events', async () => {
  const api = createFakeApi({ 'flash:start': () => ({ jobId: 'j1' }) });
  const store = createJobStore(api);
  store.getState().watch();
  await store.getState().start({ source: '/img.raw.xz', targets: ['/dev/sdb'] });
  assert.equal(store.getState().status, 'running');
  api.emit('flash:progress', progress('j1', 40));
  api.emit('flash:progress', progress('other', 90));
  assert.equal(store.getState().progress?.bytes, 40);
  api.emit('flash:done', result('other', false));
  assert.equal(store.getState().status, 'running');
  api.emit('flash:done', result('j1', true));
  assert.equal(store.getState().status, 'finished');
  assert.equal(store.getState().result?.targets[0]?.verified, true);
  store.getState().reset();
  assert.equal(store.getState().status, 'idle');
  assert.equal(store.getState().result, null);
});

test('job: events that beat the answer to flash:start are kept for that job', async () => {
  const api = createFakeApi({
    'flash:start': async () => {
      api.emit('flash:progress', progress('fast', 100));
      api.emit('flash:done', result('fast', true));
      return { jobId: 'fast' };
    },
  });
  const store = createJobStore(api);
  store.getState().watch();
  await store.getState().start({ source: '/img.raw', targets: ['/dev/sdb'] });
  assert.equal(store.getState().status, 'finished');
  assert.equal(store.getState().result?.jobId, 'fast');
});

test('job: a refused start leaves nothing running and says why', async () => {
  const api = createFakeApi({ 'flash:start': () => { throw new FiotError('TARGET_TOO_SMALL', 'The card is too small.'); } });
  const store = createJobStore(api);
  await store.getState().start({ source: '/img.raw', targets: ['/dev/sdb'] });
  assert.equal(store.getState().status, 'idle');
  assert.equal(store.getState().error?.code, 'TARGET_TOO_SMALL');
  assert.ok(store.getState().error?.hint, 'the hint from shared/errors.ts travels with the error');
});

test('job: cancel asks the core to cancel the running job once', async () => {
  const api = createFakeApi({ 'flash:start': () => ({ jobId: 'j2' }), 'flash:cancel': () => ({ cancelled: true }) });
  const store = createJobStore(api);
  store.getState().watch();
  await store.getState().start({ source: '/img.raw', targets: ['/dev/sdb'] });
  await store.getState().cancel();
  await store.getState().cancel();
  assert.equal(store.getState().status, 'cancelling');
  assert.deepEqual(api.calls.filter((c) => c.channel === 'flash:cancel').map((c) => c.args), [{ jobId: 'j2' }]);
  api.emit('flash:done', { ...result('j2', false), targets: [{ device: '/dev/sdb', state: 'cancelled', bytesWritten: 10, verified: false }] });
  assert.equal(store.getState().status, 'finished');
  assert.equal(store.getState().result?.ok, false);
});

test('job: a finished write is set aside for the next one; a failed card keeps its Retry unless what to write changed', async () => {
  let jobs = 0;
  const api = createFakeApi({ 'flash:start': () => ({ jobId: `j${++jobs}` }) });
  const store = createJobStore(api);
  store.getState().watch();
  await store.getState().start({ source: '/img.raw', targets: ['/dev/sdb'] });
  store.getState().setAside();
  assert.equal(store.getState().status, 'running', 'a running write is never set aside');

  api.emit('flash:done', result('j1', true));
  store.getState().setAside({ keepCardsToRetry: true });
  assert.equal(store.getState().status, 'idle', 'a card that is ready has nothing to retry: back to the plan');
  assert.equal(store.getState().result, null);

  await store.getState().start({ source: '/img.raw', targets: ['/dev/sdb'] });
  api.emit('flash:done', result('j2', false));
  store.getState().setAside({ keepCardsToRetry: true });
  assert.equal(store.getState().status, 'finished', 'the failed card can still be retried');
  assert.equal(store.getState().result?.jobId, 'j2');
  store.getState().setAside();
  assert.equal(store.getState().status, 'idle');
});

test('job: the cards present change when a card comes, goes, or another file is behind a loop device', () => {
  const loop = drive('/dev/loop4', { kind: 'loop', backingFile: '/cards/a.img' });
  const before = cardsPresent([drive('/dev/sdb'), loop]);
  assert.equal(cardsPresent([{ ...loop, description: 'Written', mountpoints: ['/media/boot'] }, drive('/dev/sdb')]), before, 'a write that changes labels and mounts is the same cards');
  assert.notEqual(cardsPresent([drive('/dev/sdb'), { ...loop, backingFile: '/cards/b.img' }]), before);
  assert.notEqual(cardsPresent([loop]), before);
  assert.notEqual(cardsPresent([drive('/dev/sdb', { size: 64e9 }), loop]), before);
});

test('image: a chosen file is inspected; a bad one shows the reason', async () => {
  const api = createFakeApi({
    'source:inspect': ({ path }) => {
      if (path.endsWith('.txt')) throw new FiotError('SOURCE_UNKNOWN_FORMAT', 'notes.txt is not a disk image.');
      return { path, name: 'img.raw.xz', format: 'xz', fileSize: 10, size: 100, minSize: 100 };
    },
  });
  const store = createImageStore(api);
  assert.equal(await store.getState().choose('/data/img.raw.xz'), true);
  assert.equal(store.getState().status, 'ready');
  assert.equal(store.getState().info?.size, 100);
  assert.equal(await store.getState().choose('/data/notes.txt'), false);
  assert.equal(store.getState().status, 'error');
  assert.equal(store.getState().info, null);
  assert.equal(store.getState().error?.code, 'SOURCE_UNKNOWN_FORMAT');
});

test('image: a slow answer for an earlier choice does not replace the current one', async () => {
  let releaseFirst: () => void = () => undefined;
  const api = createFakeApi({
    'source:inspect': async ({ path }) => {
      if (path === '/first.raw') await new Promise<void>((resolve) => (releaseFirst = resolve));
      return { path, name: path.slice(1), format: 'raw', fileSize: 1, size: 1, minSize: 1 };
    },
  });
  const store = createImageStore(api);
  const first = store.getState().choose('/first.raw');
  await store.getState().choose('/second.raw');
  releaseFirst();
  assert.equal(await first, false);
  assert.equal(store.getState().info?.path, '/second.raw');
});

test('image: a catalog image not downloaded yet is chosen by its URL as the catalog describes it, and a file chosen later replaces it', async () => {
  const api = createFakeApi({ 'source:inspect': ({ path }) => ({ path, name: 'mine.raw', format: 'raw', fileSize: 1, size: 1, minSize: 1 }) });
  const store = createImageStore(api);
  const url = 'https://mirror.example/43/Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz';
  store.getState().chooseRemote({ url, sha256: 'a'.repeat(64), name: 'Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz', fileSize: 700e6, imageSize: 6442450944, arch: 'aarch64' });
  assert.equal(store.getState().status, 'ready', 'ready to go on: nothing to download or inspect first');
  assert.equal(store.getState().path, url, 'the write names the URL');
  assert.deepEqual(store.getState().info, { path: url, name: 'Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz', format: 'xz', fileSize: 700e6, size: 6442450944, minSize: 6442450944 });
  assert.equal(store.getState().arch?.arch, 'aarch64');
  assert.equal(await store.getState().choose('/data/mine.raw'), true);
  assert.equal(store.getState().remote, null, 'a file chosen by path is no remote image');
});

test('image: on a station, the images it offers are listed for choosing', async () => {
  const offered = { folders: ['/srv/images'], images: [{ path: '/srv/images/fedora.raw.xz', name: 'fedora.raw.xz', fileSize: 5 }] };
  const store = createImageStore(createFakeApi({ 'source:list': () => offered }), null);
  assert.equal(store.getState().offered, null);
  await store.getState().loadOffered();
  assert.deepEqual(store.getState().offered, offered);
});

test('drives: the desktop’s save dialog adds the image file it names as a target', async () => {
  const file = { device: '/home/me/card.img', description: 'New image file', size: null, isSystem: false, isRemovable: false, isReadOnly: false, isVirtual: false, kind: 'file' as const, mountpoints: [] };
  const api = createFakeApi({ 'drives:resolve': () => ({ drive: file }) });
  assert.equal(createDrivesStore(api).getState().canSaveAs, false);
  const store = createDrivesStore(api, { shell: { saveImage: async () => '/home/me/card.img' } });
  assert.equal(await store.getState().saveAs(), true);
  assert.deepEqual(store.getState().selected, ['/home/me/card.img']);
  assert.equal(await createDrivesStore(api, { shell: { saveImage: async () => null } }).getState().saveAs(), false);
});

test('image: a dropped file needs the desktop app to know its path', async () => {
  const api = createFakeApi({ 'source:inspect': ({ path }) => ({ path, name: 'x.img', format: 'raw', fileSize: 1, size: 1, minSize: 1 }) });
  const file = new File([new Uint8Array(1)], 'x.img');
  const inBrowser = createImageStore(api, null);
  assert.equal(inBrowser.getState().canBrowse, false);
  assert.equal(await inBrowser.getState().chooseDropped(file), false);
  assert.match(inBrowser.getState().error?.hint ?? '', /path/);

  const inElectron = createImageStore(api, { openImage: async () => '/picked.img', pathForFile: () => '/dropped/x.img' });
  assert.equal(await inElectron.getState().chooseDropped(file), true);
  assert.equal(inElectron.getState().path, '/dropped/x.img');
  assert.equal(await inElectron.getState().browse(), true);
  assert.equal(inElectron.getState().path, '/picked.img');
});
