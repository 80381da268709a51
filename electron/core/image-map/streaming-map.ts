/**
 * The allocation map of an image that arrives in order, as when an .xz is decompressed on the fly.
 * Metadata is caught as it passes; a block whose metadata has not been seen yet is written, so
 * a filesystem that keeps its bitmaps after its data is simply written whole.
 */
import { FiotError } from '../../../shared/errors';
import type { MetadataRequest } from './fs-mapper';
import { ImageAllocation } from './image-allocation';
import { TABLE_HEAD_BYTES, parsePartitionTable } from './partition-table';
import type { ByteRange, PartitionInfo } from './types';

interface PendingRequest {
  request: MetadataRequest;
  bytes: Buffer | null;
  filled: number;
}

export class StreamingAllocationMap {
  private allocation: ImageAllocation | null = null;
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private position = 0;
  private pending: PendingRequest[] = [];

  /** `imageSize`: the decompressed size when known (from the xz index), else null. */
  constructor(private readonly imageSize: number | null) {}

  /** The partitions seen so far, with the filesystems recognized so far. */
  get partitions(): PartitionInfo[] {
    return this.allocation?.partitions() ?? [];
  }

  /** Hand over the next chunk of the image. Chunks must come in order; a skipped span is never mapped. */
  observe(chunk: Buffer, offset: number): void {
    if (offset < this.position) {
      throw new FiotError('INTERNAL', `Image chunks must arrive in order: got offset ${offset} after ${this.position}.`);
    }
    this.position = offset + chunk.length;
    if (this.allocation) {
      this.fill(chunk, offset);
      return;
    }
    this.collectHead(chunk, offset);
  }

  /**
   * Whether metadata the map is waiting for lies before `offset`: observing the image up to there
   * may then change what mustWrite answers (the partition table, a filesystem's first bytes, its
   * bitmaps). Metadata that went by before it was asked for never comes: that is not waited for.
   */
  awaits(offset: number): boolean {
    if (!this.allocation) return this.headBytes < offset;
    return this.pending.some((p) => p.request.offset + p.filled < offset && p.request.offset + p.filled >= this.position);
  }

  /** What to write of [offset, offset + length), given the metadata observed so far. */
  mustWrite(offset: number, length: number): ByteRange[] {
    if (!this.allocation) return length > 0 ? [{ offset, length }] : [];
    return this.allocation.mustWrite(offset, offset + length);
  }

  private collectHead(chunk: Buffer, offset: number): void {
    const want = this.imageSize === null ? TABLE_HEAD_BYTES : Math.min(TABLE_HEAD_BYTES, this.imageSize);
    if (offset !== this.headBytes) {
      // A gap before the table was complete: the table stays unknown and everything is written.
      this.head.length = 0;
      this.headBytes = Number.POSITIVE_INFINITY;
      return;
    }
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes < want) return;
    const seen = Buffer.concat(this.head);
    this.head.length = 0;
    this.allocation = new ImageAllocation(parsePartitionTable(seen.subarray(0, want), this.imageSize), this.imageSize);
    // Partition starts may lie inside what was already seen.
    this.fill(seen, 0);
  }

  /** Copies the chunk's bytes into every request it overlaps; completed requests may raise new ones. */
  private fill(chunk: Buffer, offset: number): void {
    const end = offset + chunk.length;
    for (;;) {
      for (const request of this.allocation!.takeRequests()) this.pending.push({ request, bytes: null, filled: 0 });
      let completed = false;
      const stillPending: PendingRequest[] = [];
      for (const p of this.pending) {
        const { request } = p;
        const next = request.offset + p.filled;
        if (next >= end) {
          stillPending.push(p);
          continue;
        }
        // Bytes this request still needs went by before it was raised: it can never complete.
        if (next < offset) continue;
        const take = Math.min(request.offset + request.length, end) - next;
        p.bytes ??= Buffer.alloc(request.length);
        chunk.copy(p.bytes, p.filled, next - offset, next - offset + take);
        p.filled += take;
        if (p.filled === request.length) {
          request.accept(p.bytes);
          completed = true;
        } else {
          stillPending.push(p);
        }
      }
      this.pending = stillPending;
      if (!completed) return;
    }
  }
}
