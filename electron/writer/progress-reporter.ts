/**
 * Progress lines for the parent, at most a few a second: each carries the phase, the bytes done
 * and expected in it, and every target's state. State changes (a target failing) go out at once.
 */
import type { DownloadPace } from '../../shared/domain/flash';
import type { WriterMessage, WriterPhase } from '../../shared/writer-protocol';
import { slotState, type TargetSlot } from './slots';

const INTERVAL_MS = 250;

export class ProgressReporter {
  private phase: WriterPhase = 'preparing';
  private bytes = 0;
  private totalBytes: number | null = null;
  private lastSent = 0;
  private lastStates = '';

  /** `download`: the pipe of a download the job is written from while it happens. */
  constructor(private readonly emit: (message: WriterMessage) => void, private readonly slots: TargetSlot[], private readonly download?: () => DownloadPace) {}

  enter(phase: WriterPhase, totalBytes: number | null): void {
    this.phase = phase;
    this.bytes = 0;
    this.totalBytes = totalBytes;
    this.send(true);
  }

  /** Sets the bytes done in this phase. */
  at(bytes: number): void {
    this.bytes = bytes;
    this.send(false);
  }

  add(bytes: number): void {
    this.at(this.bytes + bytes);
  }

  send(force: boolean): void {
    const targets = this.slots.map(slotState);
    const states = targets.map((t) => t.state).join();
    const now = Date.now();
    if (!force && states === this.lastStates && now - this.lastSent < INTERVAL_MS) return;
    this.lastSent = now;
    this.lastStates = states;
    const download = this.download?.();
    this.emit({ type: 'progress', phase: this.phase, bytes: this.bytes, totalBytes: this.totalBytes, targets, ...(download ? { download } : {}) });
  }
}
