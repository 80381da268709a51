/**
 * A real build with real podman and the real bootc-image-builder, where a machine has them (and
 * the source image already in root's storage: these machines have no registry access). Skips with
 * the reason otherwise. FIOT_REAL_BUILD_REF picks the source (default quay.io/fedora/fedora-bootc:42).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { BuildManager } from '../../../electron/core/build/build-manager';
import { BUILDER_IMAGE, hostArch } from '../../../electron/core/build/podman-command';
import { hasCommand, isRoot } from '../../helpers/system';

const reference = process.env.FIOT_REAL_BUILD_REF ?? 'quay.io/fedora/fedora-bootc:42';

function skipReason(): string | null {
  if (process.platform !== 'linux') return 'real builds run on Linux here';
  if (!isRoot()) return 'needs root for rootful podman (CI runs as root)';
  if (!hasCommand('podman')) return 'podman is not installed on this machine';
  if (!hostArch()) return `no bootc-image-builder for ${process.arch}`;
  const exists = (image: string) => spawnSync('podman', ['image', 'exists', image]).status === 0;
  if (!exists(BUILDER_IMAGE)) return `${BUILDER_IMAGE} is not in root's container storage (podman pull it first)`;
  if (!exists(reference)) return `${reference} is not in root's container storage (podman pull it first)`;
  return null;
}

test('a real bootc-image-builder run leaves a partitioned raw image in DIR and the cache', { skip: skipReason() ?? false, timeout: 60 * 60 * 1000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-real-build-'));
  try {
    const manager = new BuildManager({ configDir: path.join(dir, 'config'), cacheDir: path.join(dir, 'cache'), podman: 'podman' });
    const job = manager.start({ reference, arch: hostArch()!, outputDir: path.join(dir, 'out') });
    const { record } = await job.done;
    assert.equal(record.status, 'succeeded', JSON.stringify(record.error));
    const table = JSON.parse(spawnSync('sfdisk', ['-J', record.outputPath!], { encoding: 'utf8' }).stdout) as { partitiontable: { label: string; partitions: unknown[] } };
    assert.equal(table.partitiontable.label, 'gpt');
    assert.ok(table.partitiontable.partitions.length >= 2);
    assert.ok(record.imagePath && record.sha256);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
