import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBuildStore, LOG_LIMIT } from '../../../renderer/src/features/build/build-store';
import type { BuildRecord } from '../../../shared/domain/build';
import { createFakeApi, settle } from '../../helpers/fake-api';

const record = (status: BuildRecord['status'], extra: Partial<BuildRecord> = {}): BuildRecord => ({
  id: 'b1', reference: 'quay.io/fedora/fedora-iot:42', arch: 'aarch64', rootfs: 'ext4', status, startedAt: '2026-11-26T08:00:00.000Z', ...extra,
});

test('a build streams into the store and its image becomes the chosen image', async () => {
  const chosen: string[] = [];
  const api = createFakeApi({
    'build:start': () => ({ buildId: 'b1' }),
    'build:history': () => ({ builds: [record('succeeded', { imagePath: '/cache/objects/abc.raw' })] }),
    'build:preflight': () => ({ checks: [{ id: 'podman', label: 'podman is installed', ok: true }] }),
  });
  const store = createBuildStore(api, async (path) => {
    chosen.push(path);
    return true;
  });
  store.getState().watch();
  store.getState().watch();
  assert.equal(api.listenerCount('build:log'), 1, 'watching twice subscribes once');

  await store.getState().checkMachine();
  assert.equal(store.getState().checks?.length, 1);
  store.getState().set({ arch: 'x86_64' });
  assert.equal(store.getState().checks, null, 'a checklist for another architecture is dropped');

  await store.getState().start();
  assert.deepEqual(api.calls.at(-1), { channel: 'build:start', args: { reference: 'quay.io/fedora/fedora-iot:42', arch: 'x86_64', rootfs: 'ext4' } });
  for (let i = 0; i < LOG_LIMIT + 50; i++) api.emit('build:log', { buildId: 'b1', stream: 'stdout', line: `line ${i}` });
  api.emit('build:log', { buildId: 'other', stream: 'stdout', line: 'not ours' });
  api.emit('build:progress', { buildId: 'b1', phase: 'selinux', percent: 25, message: 'Labelling files for SELinux' });
  const running = store.getState().build!;
  assert.equal(running.log.length, LOG_LIMIT);
  assert.equal(running.log.at(-1), `line ${LOG_LIMIT + 49}`);
  assert.deepEqual([running.percent, running.message], [25, 'Labelling files for SELinux']);

  api.emit('build:done', { buildId: 'b1', ok: true, record: record('succeeded', { imagePath: '/cache/objects/abc.raw' }), preflight: [] });
  await settle();
  assert.equal(store.getState().build?.status, 'succeeded');
  assert.equal(store.getState().build?.percent, 100);
  assert.deepEqual(chosen, ['/cache/objects/abc.raw']);
  assert.equal(store.getState().history.length, 1);
});

test('a refused start shows its error, and leaves nothing to cancel', async () => {
  const api = createFakeApi({
    'build:start': () => {
      throw Object.assign(new Error('build:start: reference: must be a container image reference'), { name: 'FiotError' });
    },
  });
  const store = createBuildStore(api, async () => true);
  store.getState().set({ reference: '--privileged' });
  await store.getState().start();
  assert.match(store.getState().error?.message ?? '', /must be a container image reference/);
  await store.getState().cancel();
  assert.ok(!api.calls.some((c) => c.channel === 'build:cancel'), 'nothing to cancel');
});

test('the First boot profile goes into the build unless the user leaves it out', async () => {
  const api = createFakeApi({ 'build:start': () => ({ buildId: 'b2' }) });
  const store = createBuildStore(api, async () => true, () => ({ profile: { hostname: 'pi-{n}', users: [{ name: 'core' }] }, counterStart: 3 }));
  await store.getState().start();
  assert.deepEqual(api.calls.at(-1)?.args, { reference: 'quay.io/fedora/fedora-iot:42', arch: 'aarch64', rootfs: 'ext4', profile: { hostname: 'pi-{n}', users: [{ name: 'core' }] }, counterStart: 3 });
  store.getState().set({ includeProfile: false });
  await store.getState().start();
  assert.deepEqual(api.calls.at(-1)?.args, { reference: 'quay.io/fedora/fedora-iot:42', arch: 'aarch64', rootfs: 'ext4' });
});
