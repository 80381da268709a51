/**
 * The writer's own checks, whatever the parent already checked: each target must exist, not be a
 * system drive, not hold the source, be large enough and writable (shared/drive-constraints.ts,
 * the same rules the UI and CLI apply). Then its mounted filesystems are unmounted, it is
 * opened exclusively, and a block device's claimed size is probed (capacity-probe.ts). A target that fails here is marked failed; the others go on.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { checkTarget } from '../../shared/drive-constraints';
import type { Drive } from '../../shared/domain/drive';
import { FiotError } from '../../shared/errors';
import { resolveTarget } from '../core/drives/resolve-target';
import type { SourceInfo } from '../core/flash/source';
import { probeCapacity } from './capacity-probe';
import { failSlot, type TargetSlot } from './slots';
import { TargetIO } from './target-io';

const run = promisify(execFile);

export async function unmountAll(drive: Drive): Promise<void> {
  for (const mountpoint of drive.mountpoints) {
    try {
      await run('umount', [mountpoint]);
    } catch (error) {
      throw new FiotError('TARGET_BUSY', `${drive.device} is mounted at ${mountpoint} and could not be unmounted: ${(error as Error).message.trim()}`);
    }
  }
}

async function prepareOne(slot: TargetSlot, source: SourceInfo, seen: Set<string>): Promise<void> {
  const drive = await resolveTarget(slot.device);
  // Two names for one device (a /dev/disk/by-id link and its target) would be written twice at once.
  if (seen.has(drive.device)) throw new FiotError('INVALID_INPUT', `${slot.device} is named twice.`);
  seen.add(drive.device);
  const check = checkTarget(drive, { size: source.size ?? (source.minSize || null), path: source.path });
  const refusal = check.errors[0];
  if (refusal) throw new FiotError(refusal.code, refusal.message);
  if (drive.kind !== 'file') await unmountAll(drive);
  slot.io = await TargetIO.open(drive, source.size);
  // Every block device, not only suspicious ones: a fake card looks like any other until probed.
  if (drive.kind !== 'file') await probeCapacity(slot.io);
}

export async function prepareTargets(slots: TargetSlot[], source: SourceInfo): Promise<void> {
  const seen = new Set<string>();
  for (const slot of slots) {
    try {
      await prepareOne(slot, source, seen);
    } catch (error) {
      failSlot(slot, error);
    }
  }
}
