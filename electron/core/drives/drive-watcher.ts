/**
 * Polls the drive list and reports only real changes (a card inserted or removed, a lock switch
 * moved). It can be paused, because polling while a card is written slows the write and shows
 * half-written partitions coming and going (Raspberry Pi Imager pauses its poller the same way).
 */
import type { Drive } from '../../../shared/domain/drive';

/** What identifies the list as a person sees it; order from drivelist is not stable. */
function signature(drives: Drive[]): string {
  return JSON.stringify(
    drives
      .map((d) => [d.device, d.size, d.description, d.isReadOnly, d.isSystem, [...d.mountpoints].sort()])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  );
}

export interface DriveWatcherOptions {
  list: () => Promise<Drive[]>;
  onChange: (drives: Drive[]) => void;
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

export class DriveWatcher {
  private timer: NodeJS.Timeout | null = null;
  private pauses = 0;
  private last: string | null = null;
  private polling = false;

  constructor(private readonly options: DriveWatcherOptions) {}

  get running(): boolean {
    return this.timer !== null;
  }

  get paused(): boolean {
    return this.pauses > 0;
  }

  /** Starts polling; `known` is the list the caller already has, so it is not reported again. */
  start(known?: Drive[]): void {
    if (known) this.last = signature(known);
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.options.intervalMs ?? 2000);
    // Watching must never keep a CLI run or a test process alive.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Pauses nest: several jobs writing at once each pause, and polling resumes after the last. */
  pause(): void {
    this.pauses++;
  }

  resume(): void {
    if (this.pauses === 0) return;
    this.pauses--;
    // A card may have been swapped while we were quiet: look at once.
    if (this.pauses === 0 && this.running) void this.poll();
  }

  /** One look at the drives; reports them when they differ from the last look. */
  async poll(): Promise<void> {
    if (this.paused || this.polling) return;
    this.polling = true;
    try {
      const drives = await this.options.list();
      const current = signature(drives);
      // A pause that began during the listing wins: the list may show a card mid-write.
      if (this.paused) return;
      if (current !== this.last) {
        const first = this.last === null;
        this.last = current;
        if (!first) this.options.onChange(drives);
      }
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      this.polling = false;
    }
  }
}
