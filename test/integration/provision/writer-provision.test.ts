/**
 * Provisioning inside the writer process, the way `flash` runs it: one image written to two loop
 * devices, each card then provisioned with its own plan through the writer's overlay (partition
 * table still held back in memory), read back, and the table written last.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spawnWriter } from '../../../electron/core/flash/writer-client';
import { writerCommand } from '../../../electron/core/flash/writer-command';
import { fromDataUrl, plansForRun } from '../../../shared/provisioning';
import { provisionFixture } from '../../helpers/provision-fixture';
import { debugfs, fsckPartition, statMode } from '../../helpers/boot-partition';
import { createLoopDisk } from '../../helpers/loop';
import { ED25519_KEY } from '../../helpers/ssh-keys';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

const skip = loopSkipReason() ?? commandsSkipReason('debugfs', 'e2fsck', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'openssl') ?? false;

describe('the writer provisions every card of a run with its own config', { skip }, () => {
  it('two loop devices get fleet-001 and fleet-002, mode 0600, stamp intact, clean filesystems', async () => {
    const source = await provisionFixture({ layout: 'mbr', xz: true });
    const cards = [createLoopDisk(source.size), createLoopDisk(source.size)];
    try {
      const { plans, problems } = plansForRun({ hostname: 'fleet-{n:03}', users: [{ name: 'core', sshAuthorizedKeys: [ED25519_KEY] }] }, 2, 1);
      assert.deepEqual(problems, []);
      const job = {
        source: source.xzPath!,
        verify: true,
        targets: cards.map((card, i) => ({ device: card.device, provisioning: plans![i] })),
      };
      const result = await spawnWriter(job, writerCommand(false), () => undefined).result;
      assert.equal(result.ok, true, JSON.stringify(result.error ?? result.targets));

      const boot = source.partitions.find((p) => p.label === 'boot')!;
      for (const [i, card] of cards.entries()) {
        const target = result.targets[i]!;
        assert.equal(target.verified, true);
        assert.ok((target.provisioned ?? []).length > 0, 'the writer reports the ranges it read back');
        const text = debugfs(card.device, boot, 'cat /ignition/config.ign');
        const config = JSON.parse(text);
        const hostname = config.storage.files.find((f: { path: string }) => f.path === '/etc/hostname');
        assert.equal(fromDataUrl(hostname.contents.source), `fleet-00${i + 1}\n`);
        assert.deepEqual(config.passwd.users[0].sshAuthorizedKeys, [ED25519_KEY]);
        assert.deepEqual(statMode(card.device, boot, '/ignition/config.ign'), { type: 'regular', mode: '0600', user: '0' });
        assert.match(debugfs(card.device, boot, 'cat /ignition.firstboot'), /^set ignition_network_kcmdline=/);
        const fsck = fsckPartition(card.device, boot);
        assert.equal(fsck.status, 0, fsck.output);
      }
    } finally {
      for (const card of cards) card.dispose();
    }
  });
});
