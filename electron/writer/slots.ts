/** Each target's place in a run: its open device, its state, and why it failed if it did. */
import type { TargetState } from '../../shared/domain/flash';
import type { OldData } from '../../shared/domain/old-data';
import { FiotError, toErrorInfo } from '../../shared/errors';
import type { ProvisioningPlan } from '../../shared/provisioning';
import type { ByteRange } from '../core/image-source/ranges';
import type { TargetIO } from './target-io';
import type { WriterTargetResult } from '../../shared/writer-protocol';

export interface TargetSlot {
  device: string;
  /** What to inject into this target once written and verified, if anything. */
  provisioning?: ProvisioningPlan;
  /** An inherited descriptor of the drive, opened for this writer by UDisks2. */
  descriptor?: number;
  io: TargetIO | null;
  state: TargetState['state'];
  bytesWritten: number;
  verified: boolean;
  error?: FiotError;
  provisioned?: ByteRange[];
  /** Whether the card's old contents were discarded before writing (discard-card.ts). */
  oldData?: OldData;
  /** How far its own read-back is, once started. */
  readBack?: { bytes: number; totalBytes: number };
  /** Set when the card gets first-boot settings: whether they are on it yet. */
  firstBoot?: 'waiting' | 'done';
}

export function createSlot(device: string, provisioning: ProvisioningPlan | undefined, descriptor?: number): TargetSlot {
  return { device, provisioning, ...(descriptor === undefined ? {} : { descriptor }), ...(provisioning ? { firstBoot: 'waiting' as const } : {}), io: null, state: 'pending', bytesWritten: 0, verified: false };
}

/** Still in the run: opened and not failed. A failed target never stops the others. */
export function isLive(slot: TargetSlot): slot is TargetSlot & { io: TargetIO } {
  return slot.io !== null && slot.state !== 'failed' && slot.state !== 'cancelled';
}

export function failSlot(slot: TargetSlot, error: unknown): void {
  if (slot.state === 'failed') return;
  slot.state = error instanceof FiotError && error.code === 'CANCELLED' ? 'cancelled' : 'failed';
  slot.error = error instanceof FiotError ? error : new FiotError(toErrorInfo(error).code, toErrorInfo(error).message);
}

export function slotState(slot: TargetSlot): TargetState {
  return {
    device: slot.device,
    state: slot.state,
    bytesWritten: slot.bytesWritten,
    ...(slot.readBack ? { readBack: { ...slot.readBack } } : {}),
    ...(slot.firstBoot ? { firstBoot: slot.firstBoot } : {}),
    ...(slot.error ? { error: slot.error.toInfo() } : {}),
  };
}

export function slotResult(slot: TargetSlot, writtenSha256: string | undefined): WriterTargetResult {
  return {
    ...slotState(slot),
    verified: slot.verified,
    ...(slot.state === 'done' && writtenSha256 ? { writtenSha256 } : {}),
    ...(slot.provisioned ? { provisioned: slot.provisioned } : {}),
    ...(slot.oldData ? { oldData: slot.oldData } : {}),
  };
}

/** Runs `step` on every live target at once; a target whose step throws is marked failed. */
export async function forEachLive(slots: TargetSlot[], step: (slot: TargetSlot & { io: TargetIO }) => Promise<void>): Promise<void> {
  await Promise.all(slots.filter(isLive).map(async (slot) => {
    try {
      await step(slot);
    } catch (error) {
      failSlot(slot, error);
    }
  }));
}
