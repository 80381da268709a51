/**
 * Each preflight failure, provoked for real where this machine allows (a missing executable, the
 * stand-in's old version or unreachable registry, an empty binfmt folder), and the words a person
 * needs to fix it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createPodmanRunner } from '../../../electron/core/build/podman-process';
import { assertPreflight, runPreflight, versionAtLeast, type PreflightDeps } from '../../../electron/core/build/preflight';
import { FiotError } from '../../../shared/errors';
import { STANDIN } from '../../helpers/podman-standin';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-preflight-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function deps(overrides: Partial<PreflightDeps> = {}, env: NodeJS.ProcessEnv = {}, podman = STANDIN): PreflightDeps {
  const runner = createPodmanRunner({ podman, platform: 'linux', uid: 0, pkexec: null, env: { ...process.env, FIOT_STANDIN_STATE_DIR: path.join(dir, 'state'), FIOT_STANDIN_DELAY_MS: '0', ...env } });
  return { runner, podman, platform: 'linux', uid: 0, hasPkexec: false, nodeArch: 'x64', binfmtDir: path.join(dir, 'no-binfmt'), ...overrides };
}

const failed = (checks: Awaited<ReturnType<typeof runPreflight>>, id: string) => checks.find((c) => c.id === id && !c.ok);

test('everything in place: every check passes; a missing builder image is left for the build to pull', async () => {
  const checks = await runPreflight({ arch: 'x86_64', outputDir: dir }, deps());
  assert.deepEqual(checks.map((c) => [c.id, c.ok]), [['podman', true], ['podman-version', true], ['rootful', true], ['disk-space', true], ['architecture', true], ['builder-image', true]]);
  assert.match(checks.at(-1)?.detail ?? '', /will be pulled when the build starts/);
  assert.doesNotThrow(() => assertPreflight(checks));
});

test('podman missing: says to install it, with the commands', async () => {
  const checks = await runPreflight({ arch: 'x86_64', outputDir: dir }, deps({}, {}, '/nonexistent/podman'));
  const check = failed(checks, 'podman');
  assert.match(check?.detail ?? '', /is not installed/);
  assert.match(check?.fix ?? '', /sudo dnf install podman.*sudo apt-get install podman/);
  assert.throws(() => assertPreflight(checks), (e: unknown) => e instanceof FiotError && e.code === 'PREFLIGHT_FAILED' && /Install podman/.test(e.message));
});

test('podman too old: names both versions and how to update', async () => {
  const check = failed(await runPreflight({ arch: 'x86_64', outputDir: dir }, deps({}, { FIOT_STANDIN_FAULT: 'old-version' })), 'podman-version');
  assert.match(check?.detail ?? '', /podman 3\.4\.4 is too old; building needs podman 4\.0\.0 or newer/);
  assert.match(check?.fix ?? '', /Update podman/);
});

test('no rootful access: a normal user without pkexec is told to use sudo or install polkit', async () => {
  const check = failed(await runPreflight({ arch: 'x86_64', outputDir: dir }, deps({ uid: 1000, hasPkexec: false })), 'rootful');
  assert.match(check?.detail ?? '', /needs root/);
  assert.match(check?.fix ?? '', /sudo fiot-flash build.*install polkit/);
  const withPkexec = await runPreflight({ arch: 'x86_64', outputDir: dir }, deps({ uid: 1000, hasPkexec: true }));
  assert.match(withPkexec.find((c) => c.id === 'rootful')?.detail ?? '', /through pkexec/);
});

test('too little disk space: says where, how much, and what to free', async () => {
  const check = failed(await runPreflight({ arch: 'x86_64', outputDir: dir }, deps({ freeBytes: () => 2 * 1024 ** 3 })), 'disk-space');
  assert.match(check?.detail ?? '', new RegExp(`${dir} has 2\\.0 GiB free; a raw image needs about 10\\.0 GiB`));
  assert.match(check?.detail ?? '', /\/var\/lib\/containers has 2\.0 GiB free/);
  assert.match(check?.fix ?? '', /--output/);
});

test('another architecture without qemu-user-static: says so and how to get it', async () => {
  const check = failed(await runPreflight({ arch: 'aarch64', outputDir: dir }, deps()), 'architecture');
  assert.match(check?.detail ?? '', /This is an x86_64 machine; building aarch64 images here needs qemu-user-static/);
  assert.match(check?.fix ?? '', /qemu-user-static/);
});

test('a normal user’s checklist asks nothing of root’s storage (that would cost a prompt)', async () => {
  const checks = await runPreflight({ arch: 'x86_64', outputDir: dir }, deps({ uid: 1000, hasPkexec: true }));
  assert.match(checks.find((c) => c.id === 'builder-image')?.detail ?? '', /checked \(and pulled if needed\) when the build starts/);
});

test('versions compare numerically', () => {
  assert.ok(versionAtLeast('4.0.0', [4, 0, 0]));
  assert.ok(versionAtLeast('5.2.2', [4, 0, 0]));
  assert.ok(versionAtLeast('10.0.1-dev', [4, 0, 0]));
  assert.ok(!versionAtLeast('3.4.4', [4, 0, 0]));
});
