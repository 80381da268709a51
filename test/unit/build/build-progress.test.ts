import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { BuildProgressEstimator } from '../../../electron/core/build/build-progress';
import { buildRequestSchema } from '../../../shared/domain/build';
import { STANDIN } from '../../helpers/podman-standin';

test('phases advance through a real build log shape, and never go back', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-progress-'));
  try {
    const env = { ...process.env, FIOT_STANDIN_STATE_DIR: dir, FIOT_STANDIN_DELAY_MS: '0', FIOT_STANDIN_DISK: '/dev/null' };
    execFileSync(STANDIN, ['pull', 'quay.io/fedora/fedora-iot:42'], { env });
    let log = '';
    try {
      log = execFileSync(STANDIN, ['run', '--privileged', '--pull=newer', '-v', `${dir}/out:/output`, '-v', '/var/lib/containers/storage:/var/lib/containers/storage', 'quay.io/centos-bootc/bootc-image-builder:latest', '--type', 'raw', '--rootfs', 'ext4', '--progress', 'verbose', 'quay.io/fedora/fedora-iot:42'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch (error) {
      log = String((error as { stdout?: string }).stdout ?? '');
    }
    const estimator = new BuildProgressEstimator();
    const seen: Array<[string, number]> = [];
    for (const line of log.split('\n')) {
      const moved = estimator.observe(line);
      if (moved) seen.push([moved.phase, moved.percent]);
    }
    assert.deepEqual(seen.map(([phase]) => phase), ['pulling', 'manifest', 'buildroot', 'selinux', 'deploying', 'deploying', 'deploying', 'image', 'finishing']);
    assert.deepEqual(seen.map(([, p]) => p), [2, 5, 8, 25, 35, 42, 48, 59, 98]);
    assert.equal(estimator.observe('org.osbuild.rpm: again, later in the log'), null);
    assert.equal(estimator.estimate.percent, 98);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('container references that could read as flags are refused', () => {
  for (const bad of ['--privileged', '-v/etc:/x', 'quay.io/fedora/fedora-iot:42 --rootfs btrfs', 'Quay.io/Fedora', '', 'quay.io/a:b:c']) {
    assert.equal(buildRequestSchema.safeParse({ reference: bad, arch: 'aarch64' }).success, false, bad);
  }
  for (const good of ['quay.io/fedora/fedora-iot:42', 'fedora/fedora-bootc', '127.0.0.1:5000/me/iot:latest', `quay.io/fedora/fedora-iot@sha256:${'a'.repeat(64)}`]) {
    assert.equal(buildRequestSchema.safeParse({ reference: good, arch: 'x86_64' }).success, true, good);
  }
});
