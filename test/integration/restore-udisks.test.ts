/**
 * Restore and provisioning without root, as a flash does it: the core asks a real udisksd (on a
 * private system bus) to open the card, and a writer running as `nobody`, who cannot open the
 * device itself, erases and formats it (or provisions it) through the descriptor UDisks2 returned.
 * No pkexec is asked for; fsck.vfat (or e2fsck) then accepts the card.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writerCommand, type WriterCommand } from '../../electron/core/flash/writer-command';
import { provisionPath } from '../../electron/core/provision/provision-target';
import { restoreDrive } from '../../electron/core/restore/restore-drive';
import { plansForRun } from '../../shared/provisioning';
import { debugfs, fsckPartition } from '../helpers/boot-partition';
import type { Fixture } from '../fixtures/fixture';
import { attachLoop, type LoopDevice } from '../helpers/loop';
import { startPrivateBus, udisksSkipReason } from '../helpers/private-udisks';
import { provisionFixture } from '../helpers/provision-fixture';
import { checkRestoredFat } from '../helpers/restored-card';
import { commandsSkipReason } from '../helpers/system';

const NOBODY = 65534;
const skip = udisksSkipReason() ?? commandsSkipReason('python3', 'sfdisk', 'fsck.vfat', 'fatlabel', 'mkfs.vfat', 'debugfs', 'e2fsck', 'mkfs.ext4', 'mcopy') ?? false;
const savedAddress = process.env.DBUS_SYSTEM_BUS_ADDRESS;
let dir = '';

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-udisks-restore-'));
  chmodSync(dir, 0o755);
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  if (savedAddress === undefined) delete process.env.DBUS_SYSTEM_BUS_ADDRESS;
  else process.env.DBUS_SYSTEM_BUS_ADDRESS = savedAddress;
});

const host = { platform: 'linux' as const, root: false, env: process.env };

/** The writer as an unprivileged user would run it (as nobody, no extra groups), and what it was asked for. */
function unprivileged(asked: boolean[]): (needsPrivilege: boolean) => WriterCommand {
  return (needsPrivilege) => {
    asked.push(needsPrivilege);
    const command = writerCommand(needsPrivilege, host);
    return { ...command, command: 'setpriv', args: [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', command.command, ...command.args] };
  };
}

/** A loop device holding the fixture, known to a private udisksd the core talks to; detached afterwards. */
async function withUdisksCard(layout: 'mbr' | 'gpt', name: string, test: (card: LoopDevice, fixture: Fixture) => Promise<void>): Promise<void> {
  const fixture = await provisionFixture({ layout });
  const backing = path.join(dir, name);
  copyFileSync(fixture.path, backing);
  const card = attachLoop(backing);
  const bus = await startPrivateBus();
  try {
    await bus.withUdisks([card.device]);
    process.env.DBUS_SYSTEM_BUS_ADDRESS = bus.address;
    await test(card, fixture);
  } finally {
    await bus.stop();
    card.detach();
  }
}

describe('restore and provisioning through UDisks2, as nobody', { skip }, () => {
  it('restores a card that held a Fedora IoT image; fsck.vfat accepts it; pkexec never asked for', { timeout: 120_000 }, async () => {
    await withUdisksCard('gpt', 'restore.img', async (card) => {
      const asked: boolean[] = [];
      const result = await restoreDrive({ device: card.device, label: 'NOBODY' }, { writerHost: host, writerCommand: unprivileged(asked) });
      assert.deepEqual(asked, [false], 'an unprivileged writer, never pkexec');
      assert.equal(result.filesystem, 'fat32');
      const restored = checkRestoredFat(card.device);
      assert.equal(restored.table, 'dos');
      assert.equal(restored.partitions.length, 1);
      assert.equal(restored.partitions[0]!.start, 2048);
      assert.equal(restored.partitions[0]!.fsck.status, 0, restored.partitions[0]!.fsck.output);
      assert.equal(restored.partitions[0]!.label, 'NOBODY');
      assert.deepEqual(result.oldData, { discarded: true }, 'the image it held was discarded through the descriptor');
    });
  });

  it('provisions a written card; the config is on its boot partition, e2fsck clean', { timeout: 120_000 }, async () => {
    await withUdisksCard('mbr', 'provision.img', async (card, fixture) => {
      const plan = plansForRun({ hostname: 'udisks-{n:02}', users: [{ name: 'core', passwordHash: '$6$rounds=4096$abcdefgh$0123456789012345678901234567890123456789012345678901234567890123456789012345678901' }] }, 1, 4).plans![0]!;
      const asked: boolean[] = [];
      const result = await provisionPath(card.device, plan, { writerHost: host, writerCommand: unprivileged(asked) });
      assert.deepEqual(asked, [false]);
      assert.equal(result.hostname, 'udisks-04');
      const boot = fixture.partitions.find((p) => p.label === 'boot')!;
      assert.equal(debugfs(card.device, boot, 'cat /ignition/config.ign'), plan.mode === 'config' ? plan.configText : '');
      const fsck = fsckPartition(card.device, boot);
      assert.equal(fsck.status, 0, fsck.output);
    });
  });
});
