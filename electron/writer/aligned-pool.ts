/**
 * A few aligned buffers, reused: every write to a card goes through one (O_DIRECT needs aligned
 * memory), and allocating a fresh aligned 4 MiB buffer per chunk cost more CPU than hashing
 * (and kept the garbage collector busy) in a profile of a 2 GiB flash.
 */
import { alignedBuffer } from './target-io';

export class AlignedPool {
  private readonly free: Buffer[] = [];
  private readonly waiting: Array<(buffer: Buffer) => void> = [];
  private created = 0;

  constructor(readonly bufferSize: number, private readonly max: number) {}

  /** A buffer of bufferSize bytes; waits while all are in use, which bounds memory. */
  take(): Promise<Buffer> {
    const buffer = this.free.pop();
    if (buffer) return Promise.resolve(buffer);
    if (this.created < this.max) {
      this.created++;
      return Promise.resolve(alignedBuffer(this.bufferSize));
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  give(buffer: Buffer): void {
    const next = this.waiting.shift();
    if (next) next(buffer);
    else this.free.push(buffer);
  }
}
