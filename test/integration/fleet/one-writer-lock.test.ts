/**
 * One writer, one lock: provisioning a written card and restoring a card run in the writer under
 * the card's lock, like a flash. Two of them at once on one card: one is refused with TARGET_BUSY
 * before it writes a byte, the other finishes, and the card holds what the one that ran wrote.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { provisionPath } from '../../../electron/core/provision/provision-target';
import { restoreDrive } from '../../../electron/core/restore/restore-drive';
import { FiotError } from '../../../shared/errors';
import { plansForRun } from '../../../shared/provisioning';
import { debugfs, fsckPartition } from '../../helpers/boot-partition';
import type { Fixture } from '../../fixtures/fixture';
import { attachLoop, type LoopDevice } from '../../helpers/loop';
import { provisionFixture } from '../../helpers/provision-fixture';
import { checkRestoredFat } from '../../helpers/restored-card';
import { ED25519_KEY } from '../../helpers/ssh-keys';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

const skip = loopSkipReason() ?? commandsSkipReason('debugfs', 'e2fsck', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'fsck.vfat', 'fatlabel', 'mcopy') ?? false;
let dir = '';

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-one-lock-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function plan(n: number) {
  const planned = plansForRun({ hostname: 'lock-{n:03}', users: [{ name: 'core', sshAuthorizedKeys: [ED25519_KEY] }] }, 1, n).plans?.[0];
  assert.ok(planned && planned.mode === 'config');
  return planned;
}

/** The two outcomes of two tasks started together: which one ran, and the other's refusal. */
function oneRanOneRefused<T>(settled: PromiseSettledResult<T>[]): { ran: number; value: T } {
  const ran = settled.findIndex((s) => s.status === 'fulfilled');
  const refused = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  assert.equal(refused.length, 1, `one refused: ${JSON.stringify(settled.map((s) => s.status))}`);
  assert.ok(refused[0]!.reason instanceof FiotError, String(refused[0]!.reason));
  assert.equal(refused[0]!.reason.code, 'TARGET_BUSY');
  assert.match(refused[0]!.reason.message, /already being written/);
  return { ran, value: (settled[ran] as PromiseFulfilledResult<T>).value };
}

/** A loop device over a copy of the provisioning fixture, detached afterwards. */
async function withCard(layout: 'mbr' | 'gpt', name: string, test: (card: LoopDevice, fixture: Fixture) => Promise<void>): Promise<void> {
  const fixture = await provisionFixture({ layout });
  const backing = path.join(dir, name);
  copyFileSync(fixture.path, backing);
  const card = attachLoop(backing);
  try {
    await test(card, fixture);
  } finally {
    card.detach();
  }
}

describe('one writer, one lock', { skip }, () => {
  it('two provisionings of one card at once: one refused, the card holds the other’s config, clean', async () => {
    await withCard('gpt', 'provision-card.img', async (card, fixture) => {
      const plans = [plan(1), plan(2)];
      const { ran, value } = oneRanOneRefused(await Promise.allSettled(plans.map((p) => provisionPath(card.device, p))));
      assert.equal(value.hostname, `lock-00${ran + 1}`);
      const boot = fixture.partitions.find((p) => p.label === 'boot')!;
      assert.equal(debugfs(card.device, boot, 'cat /ignition/config.ign'), plans[ran]!.configText);
      const fsck = fsckPartition(card.device, boot);
      assert.equal(fsck.status, 0, fsck.output);
    });
  });

  it('two restores of one card at once: one refused, the card then one FAT32 partition fsck.vfat accepts', async () => {
    await withCard('gpt', 'restore-card.img', async (card) => {
      const labels = ['FIRST', 'SECOND'];
      const { ran } = oneRanOneRefused(await Promise.allSettled(labels.map((label) => restoreDrive({ device: card.device, label }))));
      const restored = checkRestoredFat(card.device);
      assert.equal(restored.table, 'dos');
      assert.equal(restored.partitions.length, 1);
      assert.equal(restored.partitions[0]!.fsck.status, 0, restored.partitions[0]!.fsck.output);
      assert.equal(restored.partitions[0]!.label, labels[ran]);
    });
  });

  it('a restore is refused while a provisioning holds the card', async () => {
    await withCard('mbr', 'mixed-card.img', async (card, fixture) => {
      const settled = await Promise.allSettled([provisionPath(card.device, plan(7)), restoreDrive({ device: card.device, label: 'NOPE' })]);
      const { ran } = oneRanOneRefused<unknown>(settled);
      assert.equal(ran, 0, 'the provisioning, which asked first, ran');
      assert.equal(checkRestoredFat(card.device).table, 'dos', 'an MBR image still, not erased');
      const boot = fixture.partitions.find((p) => p.label === 'boot')!;
      assert.match(debugfs(card.device, boot, 'cat /ignition/config.ign'), /lock-007/);
    });
  });
});
