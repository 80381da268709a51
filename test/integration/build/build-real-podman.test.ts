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
import { hasCommand, rootSkipReason } from '../../helpers/system';
import { ciSkip, optionalSkip } from '../../helpers/skip';

const reference = process.env.FIOT_REAL_BUILD_REF ?? 'quay.io/fedora/fedora-bootc:42';

function skipReason(): string | null {
  if (process.platform !== 'linux') return ciSkip('real builds run on Linux here');
  const root = rootSkipReason('for rootful podman');
  if (root) return root;
  // CI has no real podman (the stand-in covers the build flow there): these are machine extras.
  if (!hasCommand('podman')) return optionalSkip('podman is not installed on this machine');
  if (!hostArch()) return optionalSkip(`no bootc-image-builder for ${process.arch}`);
  const exists = (image: string) => spawnSync('podman', ['image', 'exists', image]).status === 0;
  if (!exists(BUILDER_IMAGE)) return optionalSkip(`${BUILDER_IMAGE} is not in root's container storage (podman pull it first)`);
  if (!exists(reference)) return optionalSkip(`${reference} is not in root's container storage (podman pull it first)`);
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
