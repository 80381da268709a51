/**
 * Injection into real block devices: a loop device over a temp file holding a Fedora-IoT-shaped
 * image, opened by path as `fiot-flash provision /dev/loopN` does.
 */
import assert from 'node:assert/strict';
import { closeSync, createReadStream, createWriteStream, fsyncSync, openSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { injectProvisioning, openBlockIO } from '../../../electron/core/provision';
import { plansForRun } from '../../../shared/provisioning';
import { provisionFixture } from '../../helpers/provision-fixture';
import { debugfs, fsckPartition, statMode } from '../../helpers/boot-partition';
import { createLoopDisk } from '../../helpers/loop';
import { ED25519_KEY } from '../../helpers/ssh-keys';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

const skip = loopSkipReason() ?? commandsSkipReason('debugfs', 'e2fsck', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'openssl') ?? false;

/** Flush the page cache to the device, so its write counter counts only what comes after. */
function syncDevice(device: string): void {
  const fd = openSync(device, 'r+');
  fsyncSync(fd);
  closeSync(fd);
}

for (const layout of ['mbr', 'gpt'] as const) {
  describe(`inject into a loop device holding a ${layout.toUpperCase()} image`, { skip }, () => {
    it('leaves a valid config 0600 with its hostname, the stamp intact, the boot filesystem clean', async () => {
      const source = await provisionFixture({ layout });
      const loop = createLoopDisk(source.size);
      try {
        await pipeline(createReadStream(source.path), createWriteStream(loop.device, { flags: 'r+' }));
        syncDevice(loop.device);
        const plan = plansForRun({ hostname: 'loop-{n:03}', users: [{ name: 'core', sshAuthorizedKeys: [ED25519_KEY] }] }, 1, 5).plans![0]!;
        const io = await openBlockIO(loop.device, source.size);
        const written = loop.sectorsWritten();
        const result = await injectProvisioning(io, plan);
        await io.sync();
        await io.close();
        const boot = source.partitions.find((p) => p.label === 'boot')!;

        assert.equal(result.hostname, 'loop-005');
        // The device saw only the few KiB the injection reports, not a rewrite of the partition.
        const changedBytes = result.changed.reduce((sum, r) => sum + r.length, 0);
        assert.ok(changedBytes < 256 * 1024, `${changedBytes} bytes changed`);
        assert.ok(loop.sectorsWritten() - written <= Math.ceil(changedBytes / 512) + 64);
        assert.deepEqual(statMode(loop.device, boot, '/ignition/config.ign'), { type: 'regular', mode: '0600', user: '0' });
        assert.deepEqual(statMode(loop.device, boot, '/ignition'), { type: 'directory', mode: '0700', user: '0' });
        assert.equal(debugfs(loop.device, boot, 'cat /ignition/config.ign'), plan.mode === 'config' ? plan.configText : '');
        assert.match(debugfs(loop.device, boot, 'cat /ignition.firstboot'), /^set ignition_network_kcmdline='systemd.firstboot=off/);
        const fsck = fsckPartition(loop.device, boot);
        assert.equal(fsck.status, 0, fsck.output);
      } finally {
        loop.dispose();
      }
    });
  });
}
