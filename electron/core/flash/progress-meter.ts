/** Speed over the last few seconds and the time left in the current phase. */

const WINDOW_MS = 3000;

export class ProgressMeter {
  private samples: Array<{ at: number; bytes: number }> = [];
  private phase = '';

  constructor(private readonly now: () => number = Date.now) {}

  /** Records a sample; a new phase starts a new window. */
  sample(phase: string, bytes: number, totalBytes: number | null): { speed: number; etaSeconds: number | null } {
    const at = this.now();
    if (phase !== this.phase) {
      this.phase = phase;
      this.samples = [];
    }
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && at - this.samples[0]!.at > WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const elapsed = (at - first.at) / 1000;
    const speed = elapsed > 0 ? Math.max(0, (bytes - first.bytes) / elapsed) : 0;
    const etaSeconds = totalBytes !== null && speed > 0 ? Math.max(0, (totalBytes - bytes) / speed) : null;
    return { speed, etaSeconds };
  }
}
