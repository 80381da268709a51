/**
 * The image cache's decompressed copy of an image (a download or a local file), filled while it is
 * flashed, by the writer only: every image range the cards get is also written into a file the core
 * created in its cache and handed over as an inherited descriptor (the writer never opens a cache
 * path). The core opens it with O_DIRECT where the filesystem allows: buffered, 1.6 GB of copy cost
 * ~12 s of kernel time on a 2-core machine (the decoders' time), direct 0.1 s. So every write here
 * is whole 4 KiB units from an aligned buffer: a range's last unit is written whole (its tail is
 * past the image's end, cut by the final truncate, or rewritten by the next range). Nothing is read
 * back: the copy's digest is the cards' writtenSha256, the same bytes in the same order, and every
 * later flash from the copy is held to it (expected-digest.ts). A copy that would outgrow the room
 * the core gave, a write that fails, or ranges out of image order only give the copy up: the cards
 * go on.
 */
import { fstatSync } from 'node:fs';
import type { promises } from 'node:fs';
import type { CacheCopyReport, WriterJob } from '../../shared/writer-protocol';
import { descriptorHandle } from './descriptor-handle';
import { mergeRanges, rangeEnd, totalLength, type ByteRange } from '../core/image-source/ranges';
import { ALIGNMENT, alignedBuffer } from './target-io';
import type { StreamOutcome } from './write-stream';

/** `data` grown to whole units: in place when its buffer has the room (the writer's staging slots do), else through an aligned copy padded with zeros. */
function wholeUnits(data: Buffer): Buffer {
  const length = Math.ceil(data.length / ALIGNMENT) * ALIGNMENT;
  if (length === data.length) return data;
  if (data.byteOffset + length <= data.buffer.byteLength) return Buffer.from(data.buffer, data.byteOffset, length);
  const bounce = alignedBuffer(length).fill(0, data.length);
  data.copy(bounce);
  return bounce;
}

export class CacheCopy {
  private copiedBytes = 0;
  private end = 0;
  private givenUp = false;
  /** Writes run one after another, in the order they were asked for. */
  private queue: Promise<void> = Promise.resolve();

  private constructor(private readonly handle: promises.FileHandle, private readonly maxBytes: number) {}

  /**
   * The job's copy, or null without one. An elevated writer takes none even when sent one: the
   * core never sends it (a root writer must not write into a user's folder).
   */
  static open(spec: WriterJob['cacheCopy'], elevated: boolean): CacheCopy | null {
    if (!spec || elevated) return null;
    try {
      const held = fstatSync(spec.descriptor);
      // The core hands over a new, empty regular file; anything else is not written.
      if (!held.isFile() || held.size !== 0) return null;
    } catch {
      return null;
    }
    return new CacheCopy(descriptorHandle(spec.descriptor), spec.maxBytes);
  }

  /** Queues one body range; resolves once it is written (or the copy was given up), so its buffer may be reused. */
  write(data: Buffer, offset: number): Promise<void> {
    if (offset < this.end) this.givenUp = true;
    this.end = offset + data.length;
    return this.enqueue(data, offset);
  }

  private enqueue(data: Buffer, offset: number): Promise<void> {
    this.copiedBytes += data.length;
    if (this.copiedBytes > this.maxBytes) this.givenUp = true;
    this.queue = this.queue.then(() => this.put(data, offset));
    return this.queue;
  }

  private async put(data: Buffer, offset: number): Promise<void> {
    if (this.givenUp) return;
    const units = wholeUnits(data);
    try {
      for (let done = 0; done < units.length;) {
        const { bytesWritten } = await this.handle.write(units, done, units.length - done, offset + done);
        if (bytesWritten <= 0) throw new Error('the cache copy took no more bytes');
        done += bytesWritten;
      }
    } catch {
      this.givenUp = true;
    }
  }

  /**
   * After the stream: the held-back head and backup GPT unit are written too, and the file gets
   * the image's length. Returns what the copy holds, or null when it was given up.
   */
  async finish(outcome: StreamOutcome, imageSize: number): Promise<CacheCopyReport | null> {
    const { head, body } = outcome;
    const backup = head.backup;
    // Hash order is image order only when the body stayed between the head and the backup unit.
    if (backup && backup.ranges.some((range) => range.offset < this.end)) this.givenUp = true;
    if (head.ranges.length > 0 && body.length > 0 && rangeEnd(head.ranges[head.ranges.length - 1]!) > body[0]!.offset) this.givenUp = true;
    // Held whole: no body range lies inside the head or the backup unit, so their unmapped bytes are the zeros the copy has there anyway.
    const headEnd = head.ranges.length > 0 ? rangeEnd(head.ranges[head.ranges.length - 1]!) : 0;
    if (headEnd > 0) void this.enqueue(head.data.subarray(0, headEnd), 0);
    if (backup && backup.ranges.length > 0) void this.enqueue(backup.data, backup.offset);
    await this.queue;
    if (this.givenUp) return null;
    try {
      await this.handle.truncate(imageSize);
    } catch {
      return null;
    }
    const dataRanges: ByteRange[] = mergeRanges([...head.ranges, ...body, ...(backup?.ranges ?? [])]);
    return { imageSize, dataRanges, dataBytes: totalLength(dataRanges), dataSha256: outcome.writtenSha256 };
  }

  async close(): Promise<void> {
    await this.queue;
    await this.handle.close().catch(() => undefined);
  }
}
