/**
 * What the writer knows of a download it writes while it happens: the core's `download` lines say
 * how many bytes of the growing `.part` file are on disk, `download-verified` that the whole file
 * matched its sha256 (the partition tables may go on), `download-failed` that it never will. The
 * growing-file reader waits here for bytes; the progress lines read here which pipe sets the pace.
 */
import { FiotError, isErrorCode } from '../../../shared/errors';
import type { DownloadPace } from '../../../shared/domain/flash';
import type { ParentMessage } from '../../../shared/writer-protocol';

export type DownloadMessage = Extract<ParentMessage, { type: 'download' | 'download-verified' | 'download-failed' }>;

/** A wait for bytes that ended this recently still counts: the writer is then keeping pace with the download. */
const PACE_MEMORY_MS = 1000;
/**
 * How long the writer must read without waiting before the cards are said to be the slower part:
 * a few busy seconds say little (the first blocks are written while the download has a head start).
 * The download is said to be the slower part as soon as the writer catches up with it.
 */
export const PACE_VERDICT_MS = 5000;

export class DownloadFeed {
  private bytes = 0;
  private totalBytes: number | null = null;
  /** Set once the sha256 matched: the file's final length and where it now lies. */
  private verifiedAs: { bytes: number; file: string } | null = null;
  private failed: FiotError | null = null;
  /** The furthest byte the reader has taken: a download that falls back behind it started over. */
  private consumed = 0;
  private waiters = new Set<() => void>();
  private waitingSince: number | null = null;
  private lastWaitEnd = 0;
  /** When the reader first asked for bytes: the cards' verdict waits PACE_VERDICT_MS from there, or from its last wait. */
  private firstRead: number | null = null;
  /** Whether the reader ever waited for a download under way (not merely for its first bytes): it caught up with it. */
  private caughtUp = false;

  /** `now`: the clock the pace is judged by (a test's own). */
  constructor(private readonly now: () => number = Date.now) {}

  /** Called on every change (new bytes, the verdict): the writer sends a progress line. */
  onChange: () => void = () => undefined;
  /** Called once when the download failed: the writer stops its job. */
  onFailure: (error: FiotError) => void = () => undefined;

  update(message: DownloadMessage): void {
    if (this.failed) return;
    if (message.type === 'download-failed') {
      this.fail(new FiotError(isErrorCode(message.code) ? message.code : 'NETWORK', message.message, message.hint));
    } else if (message.type === 'download-verified') {
      this.verifiedAs = { bytes: message.bytes, file: message.file };
      this.bytes = message.bytes;
      this.totalBytes = message.bytes;
    } else if (message.bytes < this.consumed) {
      // Bytes already written came from a file the server no longer sends from its start: not to be mixed.
      this.fail(new FiotError('NETWORK', 'The download started over from the beginning (the server could not resume it, or its file changed), after part of it was already written. The card has no partition table.', 'Write the card again: the download goes on from what is kept.'));
    } else {
      this.bytes = message.bytes;
      this.totalBytes = message.totalBytes;
    }
    this.wake();
    this.onChange();
  }

  private fail(error: FiotError): void {
    this.failed = error;
    this.wake();
    this.onFailure(error);
  }

  private wake(): void {
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /** Why the download stopped for good, once it did. */
  get failure(): FiotError | null {
    return this.failed;
  }

  /** Where the verified file lies now (the core moved the `.part` into the cache), once verified. */
  get verifiedFile(): string | null {
    return this.verifiedAs?.file ?? null;
  }

  /** True once every byte is on disk: the announced length arrived, or the file was verified. */
  get complete(): boolean {
    return this.verifiedAs !== null || (this.totalBytes !== null && this.bytes >= this.totalBytes);
  }

  /**
   * The bytes on disk once there are more than `position` (or the file is complete); waits for the
   * download until then. Throws the download's failure, or CANCELLED when `signal` aborts.
   */
  async available(position: number, signal: AbortSignal): Promise<number> {
    this.consumed = Math.max(this.consumed, position);
    this.firstRead ??= this.now();
    while (!this.failed && this.bytes <= position && !this.complete) {
      if (signal.aborted) break;
      this.waitingSince ??= this.now();
      if (this.bytes > 0) this.caughtUp = true;
      await this.next(signal);
    }
    if (this.waitingSince !== null) {
      this.waitingSince = null;
      this.lastWaitEnd = this.now();
    }
    this.throwIfStopped(signal);
    return this.bytes;
  }

  /** The file's whole length, once every byte is on disk; throws the download's failure, or CANCELLED. */
  async length(signal: AbortSignal): Promise<number> {
    while (!this.failed && !this.complete && !signal.aborted) await this.next(signal);
    this.throwIfStopped(signal);
    return this.bytes;
  }

  /** Resolves once the download's sha256 matched; throws its failure, or CANCELLED. */
  async verified(signal: AbortSignal): Promise<void> {
    while (!this.failed && !this.verifiedAs && !signal.aborted) await this.next(signal);
    this.throwIfStopped(signal);
  }

  private throwIfStopped(signal: AbortSignal): void {
    if (this.failed) throw this.failed;
    if (signal.aborted) throw new FiotError('CANCELLED', 'The write was cancelled.');
  }

  private next(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** The download's pipe as the progress line shows it. */
  pace(): DownloadPace {
    const now = this.now();
    const waiting = this.waitingSince !== null || now - this.lastWaitEnd < PACE_MEMORY_MS;
    const unhindered = this.firstRead !== null && this.waitingSince === null && now - Math.max(this.firstRead, this.lastWaitEnd) >= PACE_VERDICT_MS;
    const paceKnown = this.complete || (waiting ? this.caughtUp : unhindered);
    // The reader asks for a position before its bytes are there: it has read no further than the download.
    const read = Math.min(this.consumed, this.bytes);
    return { bytes: this.bytes, totalBytes: this.totalBytes, limitedBy: waiting && !this.complete ? 'download' : 'card', paceKnown, read };
  }
}
