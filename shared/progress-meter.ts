/**
 * Speed and ETA for a download, a flash or an upload to a station: a sliding window of recent
 * samples, so the figures follow the link or the card as it is now (a mirror that slows down shows
 * at once) instead of the average since the start.
 */
import type { TransferProgress } from './domain/transfer';

const WINDOW_MS = 3000;

export class ProgressMeter {
  private samples: { at: number; bytes: number }[] = [];
  private phase = '';

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Records that `bytes` are done in total. A new phase (writing, then verifying) or a restart from
   * zero (a 200 after a failed resume) starts a new window rather than showing a negative speed.
   */
  sample(bytes: number, totalBytes: number | null, phase = ''): TransferProgress {
    const at = this.now();
    const last = this.samples[this.samples.length - 1];
    if (phase !== this.phase || (last && bytes < last.bytes)) this.samples = [];
    this.phase = phase;
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && at - this.samples[0]!.at > WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const elapsed = (at - first.at) / 1000;
    const speed = elapsed > 0 ? (bytes - first.bytes) / elapsed : 0;
    const etaSeconds = totalBytes !== null && speed > 0 ? Math.max(0, (totalBytes - bytes) / speed) : null;
    return { bytes, totalBytes, speed, etaSeconds };
  }
}
