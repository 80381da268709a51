/**
 * Watching the bench's card readers: a look now and then every interval, one look at a time (a
 * look asked for while one runs is made right after it, so a card inserted meanwhile is not missed
 * and two looks never take the same card twice), and what a card just inserted is to the session.
 */
import type { CardIdentity, Drive } from '../../../shared/domain/drive';
import type { ErrorInfo } from '../../../shared/errors';
import type { FlashLocks } from '../flash/flash-locks';
import { writtenAs, type Running } from './bench-count';
import { heldByHand, presentAtStart, refusal } from './bench-rules';

export class ReaderRounds {
  private timer: NodeJS.Timeout | null = null;
  private looking: Promise<void> | null = null;
  private lookAgain = false;

  /** `round`: one look and what follows it; `goOn`: whether a look asked for meanwhile is still wanted. */
  constructor(private readonly round: () => Promise<void>, private readonly goOn: () => boolean, private readonly intervalMs: number) {}

  get watching(): boolean {
    return this.timer !== null;
  }

  /** Looks every interval from now on (the process is not kept alive for it). */
  watch(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.look(), this.intervalMs);
    this.timer.unref();
  }

  unwatch(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
  }

  /** One round now, or, while one runs, one more right after it; resolves once they are done. */
  look(): Promise<void> {
    if (this.looking) {
      this.lookAgain = true;
      return this.looking;
    }
    this.looking = (async () => {
      do {
        this.lookAgain = false;
        await this.round();
      } while (this.lookAgain && this.goOn());
    })().finally(() => {
      this.looking = null;
    });
    return this.looking;
  }
}

/**
 * Why a card just inserted is left alone, in the order a person would want to hear it: the session
 * wrote it already, the drive rules refuse it, a job started by hand holds it, or it was in its
 * reader before the session started. Null: it is the session's to write.
 */
export function whyLeftAlone(drive: Drive, identity: CardIdentity, session: Running, locks: FlashLocks, beforeStart: ReadonlySet<string>): ErrorInfo | null {
  return writtenAs(session, identity) ?? refusal(drive, session.source)
    ?? (locks.isHeld(drive) ? heldByHand(drive) : null)
    ?? (beforeStart.has(drive.device) ? presentAtStart : null);
}
