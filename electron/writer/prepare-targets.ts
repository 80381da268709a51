/**
 * The writer's own checks, whatever the parent already checked, through the same module the CLI
 * and the core use (electron/core/drives/check-targets.ts): each target must exist, not be a
 * system drive, not hold the source (by file identity), be large enough and writable. Then its
 * mounted filesystems are unmounted, it is opened exclusively, its old contents are discarded
 * (discard-card.ts), and a block device's claimed size is probed (capacity-probe.ts), in that
 * order: the probe's blocks are then the card's own. A target that fails here is marked failed;
 * the others go on.
 */
import { execFile } from 'node:child_process';
import { fstatSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Drive } from '../../shared/domain/drive';
import { FiotError } from '../../shared/errors';
import { checkOneTarget, mountedRefusal } from '../core/drives/check-targets';
import type { SourceInfo } from '../core/image-source';
import { probeCapacity } from './capacity-probe';
import { discardCard } from './discard-card';
import { findTool } from '../core/system-tools';
import { failSlot, forEachLive, type TargetSlot } from './slots';
import { TargetIO } from './target-io';

const run = promisify(execFile);

export async function unmountAll(drive: Drive): Promise<void> {
  if (drive.mountpoints.length === 0) return;
  // By absolute path: run as root, a umount found on the user's PATH would be theirs to choose.
  const umount = findTool('umount');
  if (!umount) throw new FiotError('TARGET_BUSY', `${drive.device} is mounted, and no umount program was found to unmount it.`);
  for (const mountpoint of drive.mountpoints) {
    try {
      await run(umount, [mountpoint]);
    } catch (error) {
      throw new FiotError('TARGET_BUSY', `${drive.device} is mounted at ${mountpoint} and could not be unmounted: ${(error as Error).message.trim()}`);
    }
  }
}

/** An inherited descriptor must be the drive the job names: the same block device, not merely an open file. */
function checkDescriptor(descriptor: number, drive: Drive): void {
  let held;
  try {
    held = fstatSync(descriptor);
  } catch {
    throw new FiotError('INTERNAL', `The writer was given no open descriptor ${descriptor} for ${drive.device}.`);
  }
  if (drive.kind === 'file' || !held.isBlockDevice() || held.rdev !== statSync(drive.device).rdev) {
    throw new FiotError('INVALID_INPUT', `The descriptor handed to the writer is not ${drive.device}.`);
  }
}

/**
 * Who writes what: an elevated writer drives only (a file is its owner's to write, never root's);
 * an unprivileged one files, and drives only through a descriptor UDisks2 opened for it.
 */
function checkPrivilegeFits(drive: Drive, elevated: boolean, descriptor: number | undefined): void {
  if (elevated && drive.kind === 'file') {
    throw new FiotError('INVALID_INPUT', `${drive.device} is a file, and this writer runs with administrator rights, which are for drives only.`, 'Write image files in a run of their own.');
  }
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (drive.kind !== 'file' && descriptor === undefined && !root) {
    throw new FiotError('PERMISSION_DENIED', `Writing ${drive.device} needs permission for the drive, and this writer was given none.`);
  }
}

/**
 * May this writer write the drive, the way it was handed over? A descriptor must be the drive; a
 * drive opened by path is unmounted first (UDisks2 unmounts the ones it opens).
 */
export async function admitTarget(drive: Drive, elevated: boolean, descriptor: number | undefined): Promise<void> {
  checkPrivilegeFits(drive, elevated, descriptor);
  if (descriptor !== undefined) checkDescriptor(descriptor, drive);
  else if (drive.kind !== 'file') await unmountAll(drive);
}

async function prepareOne(slot: TargetSlot, source: SourceInfo, seen: Set<string>, elevated: boolean, unmountConfirmed: boolean): Promise<void> {
  const { drive } = await checkOneTarget(slot.device, { size: source.size ?? (source.minSize || null), path: source.path }, seen);
  const refusal = unmountConfirmed ? null : mountedRefusal(drive);
  if (refusal) throw refusal;
  await admitTarget(drive, elevated, slot.descriptor);
  slot.io = await TargetIO.open(drive, source.size, slot.descriptor);
}

/** `discard` false: --no-discard, the cards keep their old contents (and the result says so). */
export async function prepareTargets(slots: TargetSlot[], source: SourceInfo, elevated = false, unmountConfirmed = false, discard = true, signal?: AbortSignal): Promise<void> {
  const seen = new Set<string>();
  for (const slot of slots) {
    try {
      await prepareOne(slot, source, seen, elevated, unmountConfirmed);
    } catch (error) {
      failSlot(slot, error);
    }
  }
  // Every card at once: a real card's discard may take seconds.
  await forEachLive(slots, async (slot) => {
    slot.oldData = await discardCard(slot.io, { descriptor: slot.descriptor, enabled: discard, signal });
    // Every block device, not only suspicious ones: a fake card looks like any other until probed.
    if (slot.io.size !== null) await probeCapacity(slot.io);
  });
}
