/**
 * Each card's own truth during a write: its state, its one figure over the whole write (computed
 * in the core, shared/domain/flash-figures.ts), bytes written and speed. The speed is the card's
 * own bytes over time (free space is skipped, so a card writes less than the image).
 */
import type { CardFigure, FlashProgress, TargetState } from '../../../../shared/domain/flash';

export interface CardTrack {
  device: string;
  state: TargetState['state'];
  figure: CardFigure;
  bytesWritten: number;
  /** Bytes per second written to this card, over the last reports. */
  speed: number;
  error?: TargetState['error'];
  /** When bytesWritten last changed, for the next speed. */
  sampledAt: number;
}

/** A card the job has not reported yet. */
export function waitingCard(device: string): CardTrack {
  return { device, state: 'pending', figure: { step: 'starting', percent: 0 }, bytesWritten: 0, speed: 0, sampledAt: 0 };
}

/** Weight of the newest sample: smooths the bursts of a write that goes in large blocks. */
const SMOOTHING = 0.3;

export function trackCards(previous: Record<string, CardTrack>, progress: FlashProgress, now: number): Record<string, CardTrack> {
  const next: Record<string, CardTrack> = {};
  for (const target of progress.targets) {
    const before = previous[target.device];
    const seconds = before ? (now - before.sampledAt) / 1000 : 0;
    const instant = before && seconds > 0 ? (target.bytesWritten - before.bytesWritten) / seconds : 0;
    // Only a card being written has a speed: reading back and first-boot files write nothing.
    const counted = target.figure.step === 'writing';
    const speed = !counted ? 0 : before && before.speed > 0 ? before.speed * (1 - SMOOTHING) + instant * SMOOTHING : instant;
    next[target.device] = {
      device: target.device,
      state: target.state,
      figure: target.figure,
      bytesWritten: target.bytesWritten,
      speed: Math.max(0, speed),
      ...(target.error ? { error: target.error } : {}),
      sampledAt: before && target.bytesWritten === before.bytesWritten ? before.sampledAt : now,
    };
  }
  return next;
}
