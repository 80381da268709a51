/**
 * The build domain through the router, as the UI and the station use it: start answers at once,
 * log and progress arrive as events, cancel stops the container by its name and removes the
 * partial image, and the history records it. Against the podman stand-in.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { createCore } from '../../../electron/core/app-core';
import { BuildManager } from '../../../electron/core/build/build-manager';
import { createPodmanRunner } from '../../../electron/core/build/podman-process';
import { loadConfig } from '../../../electron/core/config';
import type { EventName } from '../../../shared/contract';
import type { BuildDone, BuildProgress } from '../../../shared/domain/build';
import { setupStandin, type StandinSetup } from '../../helpers/podman-standin';

let s: StandinSetup;
after(() => s?.dispose());

async function core(extra: NodeJS.ProcessEnv = {}) {
  s?.dispose();
  s = await setupStandin({ FIOT_STANDIN_DELAY_MS: '40', ...extra });
  // The runner spawns podman with this process's environment: the stand-in reads its settings there.
  Object.assign(process.env, s.env);
  // The output folder lies in a folder granted for image files, as a client must name it.
  const app = createCore(loadConfig(s.env), { imageFolders: [s.dir] });
  const seen: Array<{ event: EventName; payload: unknown }> = [];
  app.events.subscribe((event, payload) => seen.push({ event, payload }));
  return { app, seen };
}

function waitFor<T>(seen: Array<{ event: EventName; payload: unknown }>, event: EventName, match: (p: T) => boolean, ms = 60_000): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      const found = seen.find((e) => e.event === event && match(e.payload as T));
      if (found) return resolve(found.payload as T);
      if (Date.now() - started > ms) return reject(new Error(`no ${event} within ${ms} ms`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

test('cancel stops the container by name and removes the partial image, keeping the user’s files', async () => {
  const { app, seen } = await core();
  const out = path.join(s.dir, 'out');
  mkdirSync(out);
  writeFileSync(path.join(out, 'notes.txt'), 'mine');

  const started = await app.router.handle('build:start', { reference: 'quay.io/fedora/fedora-iot:42', arch: 'x86_64', outputDir: out });
  assert.equal(started.ok, true);
  const { buildId } = (started as { ok: true; value: { buildId: string } }).value;

  // Wait until the builder is writing the disk: a partial image/disk.raw exists.
  await waitFor<BuildProgress>(seen, 'build:progress', (p) => p.buildId === buildId && p.percent >= 42);
  assert.ok(existsSync(path.join(out, 'image', 'disk.raw')), 'the builder had started writing');
  const pidFile = path.join(s.env.FIOT_STANDIN_STATE_DIR!, `fiot-build-${buildId}.pid`);
  const builderPid = Number(readFileSync(pidFile, 'utf8'));

  const cancelled = await app.router.handle('build:cancel', { buildId });
  assert.deepEqual(cancelled, { ok: true, value: { cancelled: true } });
  const done = await waitFor<BuildDone>(seen, 'build:done', (d) => d.buildId === buildId);

  assert.equal(done.ok, false);
  assert.equal(done.record.status, 'cancelled');
  assert.equal(done.record.error?.code, 'CANCELLED');
  assert.ok(s.calls().some((c) => c.join(' ') === `stop --time 10 fiot-build-${buildId}`), 'podman stop was called with the container’s name');
  assert.throws(() => process.kill(builderPid, 0), /ESRCH/, 'the builder is no longer running');
  assert.deepEqual(readdirSync(out), ['notes.txt'], 'the partial image is gone, the user’s file stays');
  assert.ok(seen.some((e) => e.event === 'build:log' && (e.payload as { line: string }).line.startsWith('Pipeline build:')));

  const history = await app.router.handle('build:history', {});
  assert.equal(history.ok, true);
  const [record] = (history as { ok: true; value: { builds: Array<{ id: string; status: string; endedAt?: string }> } }).value.builds;
  assert.equal(record?.id, buildId);
  assert.equal(record?.status, 'cancelled');
  assert.ok(record?.endedAt);
  assert.deepEqual(await app.router.handle('build:cancel', { buildId }), { ok: true, value: { cancelled: false } });
});

test('the router refuses a reference that could read as a flag, and answers the preflight checklist', async () => {
  const { app } = await core({ FIOT_STANDIN_DELAY_MS: '0' });
  const refused = await app.router.handle('build:start', { reference: '--privileged', arch: 'x86_64' });
  assert.equal(refused.ok, false);
  assert.equal((refused as { ok: false; error: { code: string } }).error.code, 'INVALID_INPUT');
  assert.ok(!s.calls().some((c) => c[0] === 'run'));

  const preflight = await app.router.handle('build:preflight', { arch: 'aarch64' });
  assert.equal(preflight.ok, true);
  const checks = (preflight as { ok: true; value: { checks: Array<{ id: string; ok: boolean; detail?: string }> } }).value.checks;
  assert.deepEqual(checks.map((c) => c.id), ['podman', 'podman-version', 'rootful', 'disk-space', 'architecture', 'builder-image']);
  assert.ok(checks.every((c) => c.ok));
  assert.match(checks.find((c) => c.id === 'architecture')?.detail ?? '', /through qemu-user-static/);
  assert.match(checks.find((c) => c.id === 'builder-image')?.detail ?? '', /will be pulled when the build starts/);
  assert.ok(!s.calls().some((c) => c[0] === 'pull'), 'the checklist only looks; it pulls nothing');
});

test('an elevated build is cancelled by the session itself: no second prompt, nothing signalled from outside', async () => {
  s?.dispose();
  s = await setupStandin({ FIOT_STANDIN_DELAY_MS: '40' });
  Object.assign(process.env, s.env);
  const config = { configDir: s.configDir, cacheDir: s.cacheDir, podman: s.env.FIOT_PODMAN! };
  // A runner that behaves as if podman ran through pkexec: the job may only use the cancel file.
  const runner = { ...createPodmanRunner({ podman: config.podman, platform: 'linux', uid: 0, pkexec: null }), elevated: true };
  const manager = new BuildManager(config, { runner });
  const out = path.join(s.dir, 'out');
  const seen: BuildProgress[] = [];
  const job = manager.start({ reference: 'quay.io/fedora/fedora-iot:42', arch: 'x86_64', outputDir: out }, { progress: (p) => seen.push(p) });
  const started = Date.now();
  while (!seen.some((p) => p.percent >= 42) && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 20));
  const builderPid = Number(readFileSync(path.join(s.env.FIOT_STANDIN_STATE_DIR!, `fiot-build-${job.id}.pid`), 'utf8'));

  assert.equal(await job.cancel(), true);
  const { record } = await job.done;
  assert.equal(record.status, 'cancelled');
  const stops = s.calls().filter((c) => c[0] === 'stop');
  assert.deepEqual(stops, [['stop', '--time', '10', `fiot-build-${job.id}`]], 'the session stopped the container, once');
  assert.throws(() => process.kill(builderPid, 0), /ESRCH/, 'the builder is gone (and reaped by the session)');
  assert.ok(!existsSync(out), 'the output folder this build created is gone');
});

test('cancel during the pull ends the session at once, before the builder ever runs', async () => {
  const { app, seen } = await core({ FIOT_STANDIN_DELAY_MS: '3000' });
  const started = await app.router.handle('build:start', { reference: 'quay.io/fedora/fedora-iot:42', arch: 'x86_64' });
  const { buildId } = (started as { ok: true; value: { buildId: string } }).value;
  await waitFor<{ line: string }>(seen, 'build:log', (l) => l.line.startsWith('Trying to pull quay.io/fedora/fedora-iot:42'));
  const asked = Date.now();
  await app.router.handle('build:cancel', { buildId });
  const done = await waitFor<BuildDone>(seen, 'build:done', (d) => d.buildId === buildId);
  assert.equal(done.record.status, 'cancelled');
  assert.ok(Date.now() - asked < 2500, `cancelled in ${Date.now() - asked} ms, not after the pull finished`);
  assert.ok(!s.calls().some((c) => c[0] === 'run'), 'the builder never started');
});
