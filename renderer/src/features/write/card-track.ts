/**
 * Each card's own truth during a write: its phase, bytes written, speed, and how far its phase
 * is. The job reports one position for the shared image stream and each card's bytes: a card
 * taking part moves with the stream, a failed card keeps the position it reached, and its speed
 * is its own bytes over time (free space is skipped, so a card writes less than the image).
 */
import { phaseCountsCards, type FlashProgress, type TargetState } from '../../../../shared/domain/flash';

export interface CardTrack {
  device: string;
  state: TargetState['state'];
  bytesWritten: number;
  /** Bytes per second written to this card, over the last reports. */
  speed: number;
  phaseBytes: number;
  totalBytes: number | null;
  error?: TargetState['error'];
  /** When bytesWritten last changed, for the next speed. */
  sampledAt: number;
}

const moving = new Set<TargetState['state']>(['writing', 'verifying', 'provisioning']);
/** Weight of the newest sample: smooths the bursts of a write that goes in large blocks. */
const SMOOTHING = 0.3;

export function trackCards(previous: Record<string, CardTrack>, progress: FlashProgress, now: number): Record<string, CardTrack> {
  const next: Record<string, CardTrack> = {};
  // While the job counts cards (first-boot setup) its position is no card's bytes: each card keeps
  // the bar it had, and no speed is measured from a few kilobytes of files.
  const streaming = !phaseCountsCards(progress.phase) && progress.phase !== 'done';
  for (const target of progress.targets) {
    const before = previous[target.device];
    const seconds = before ? (now - before.sampledAt) / 1000 : 0;
    const instant = before && seconds > 0 ? (target.bytesWritten - before.bytesWritten) / seconds : 0;
    const counted = streaming && moving.has(target.state);
    const speed = !counted ? 0 : before && before.speed > 0 ? before.speed * (1 - SMOOTHING) + instant * SMOOTHING : instant;
    next[target.device] = {
      device: target.device,
      state: target.state,
      bytesWritten: target.bytesWritten,
      speed: Math.max(0, speed),
      phaseBytes: counted ? progress.bytes : (before?.phaseBytes ?? 0),
      totalBytes: counted ? progress.totalBytes : (before?.totalBytes ?? progress.totalBytes),
      ...(target.error ? { error: target.error } : {}),
      sampledAt: before && target.bytesWritten === before.bytesWritten ? before.sampledAt : now,
    };
  }
  return next;
}

/** The heading's words, from the rows: how many cards are on the way, done and failed. */
export function cardCounts(cards: CardTrack[]): { active: number; done: number; failed: number } {
  return {
    active: cards.filter((c) => c.state === 'pending' || moving.has(c.state)).length,
    done: cards.filter((c) => c.state === 'done').length,
    failed: cards.filter((c) => c.state === 'failed' || c.state === 'cancelled').length,
  };
}
