/**
 * The image users actually download, end to end: the faithful Fedora IoT aarch64 fixture (6 GiB,
 * 2 GiB ext4 boot with 4 KiB blocks, 1.2 GiB of real files in root, xz -0 in 1 MiB blocks as
 * osbuild compresses it), flashed with provisioning through the CLI to a loop device and verified.
 * The card must hold every mapped byte of the image outside boot, fsck-clean filesystems, and in
 * boot the stamp and a config real Ignition's validator accepts, for the hostname, user and key asked.
 *
 * The fixture takes minutes to build: scripts/run-tests.mjs builds it before the tests start
 * (test/fixtures/prebuild.ts), since node's --test-timeout bounds a whole file, hooks included.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { readIndex } from '../../../electron/core/images/cache/cache-index';
import { ImageCache } from '../../../electron/core/images/cache/image-cache';
import { dataDigest } from '../../helpers/data-digest';
import { readMapFile } from '../../../electron/core/images/cache/copy-files';
import { FEDORA_AARCH64, makeFixture, type Fixture } from '../../fixtures/fixture';
import { debugfs } from '../../helpers/boot-partition';
import { assertCardHoldsImage } from '../../helpers/card-check';
import { resultLine } from '../../helpers/cli-json';
import { assertIgnitionValid } from '../../helpers/ignition-validate';
import { createLoopDisk } from '../../helpers/loop';
import { ED25519_KEY } from '../../helpers/ssh-keys';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

const root = path.resolve(import.meta.dirname, '../../..');
const skip = loopSkipReason()
  ?? commandsSkipReason('debugfs', 'e2fsck', 'fsck.vfat', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'xz', 'ignition-validate')
  ?? false;

interface IgnitionConfig {
  passwd?: { users?: Array<{ name: string; sshAuthorizedKeys?: string[] }> };
  storage?: { files?: Array<{ path: string; contents?: { source?: string } }> };
}

let fixture: Fixture & { xzPath: string };

before(async () => {
  if (skip) return;
  const built = await makeFixture(FEDORA_AARCH64);
  fixture = { ...built, xzPath: built.xzPath! };
});

describe('the faithful Fedora IoT aarch64 .raw.xz', { skip }, () => {
  it('is flashed provisioned as probe-7 and verified; the card holds the image, and boot the stamp and a valid config', async () => {
    const card = createLoopDisk(fixture.size);
    // An image cache of its own: a first flash, decoded (its decompressed copy goes with the folder).
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-faithful-cache-'));
    try {
      const run = spawnSync(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), 'flash', fixture.xzPath, '--drive', card.device, '--yes',
        '--hostname', 'probe-7', '--user', 'core', '--ssh-key', ED25519_KEY, '--json'], { encoding: 'utf8', input: '', timeout: 400_000, env: { ...process.env, FIOT_CACHE_DIR: cacheDir } });
      assert.equal(run.status, 0, run.stderr + run.stdout.slice(-2000));
      const result = resultLine(run.stdout) as unknown as { decoder: string; imageCache?: string; targets: Array<{ hostname: string; verified: boolean }> };
      assert.deepEqual(result.targets.map((t) => [t.hostname, t.verified]), [['probe-7', true]]);
      assert.match(result.decoder, /blocks/, 'the multi-block .xz is decoded by random access');
      // The decoded blocks went into the cache too, on the real shape: the next flash of this file decodes nothing.
      assert.equal(result.imageCache, 'kept');
      const [entry] = await readIndex(cacheDir);
      assert.equal(entry?.raw?.size, fixture.size);
      // Every byte the map names, in the copy, is the image's: what a warm flash will write.
      const map = (await readMapFile(new ImageCache(cacheDir), entry!))!;
      const inCopy = await dataDigest(path.join(cacheDir, entry!.raw!.file), map.dataRanges);
      assert.equal(inCopy, await dataDigest(fixture.path, map.dataRanges));
      assert.equal(inCopy, entry!.raw!.dataSha256, 'the recorded digest is the copy\'s');

      await assertCardHoldsImage(fixture, card.device, { provisioned: 'boot' });
      const boot = fixture.partitions.find((p) => p.label === 'boot')!;
      assert.match(debugfs(card.device, boot, 'cat /ignition.firstboot'), /^set ignition_network_kcmdline=/);
      const text = debugfs(card.device, boot, 'cat /ignition/config.ign');
      assertIgnitionValid(text);
      const config = JSON.parse(text) as IgnitionConfig;
      const core = config.passwd?.users?.find((u) => u.name === 'core');
      assert.deepEqual(core?.sshAuthorizedKeys, [ED25519_KEY]);
      const hostname = config.storage?.files?.find((f) => f.path === '/etc/hostname')?.contents?.source ?? '';
      assert.equal(decodeURIComponent(hostname.replace(/^data:[^,]*,/, '')).trim(), 'probe-7');
    } finally {
      card.dispose();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
