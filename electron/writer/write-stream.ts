/**
 * One decode, N writers: each chunk of the image is mapped once, hashed once, and written to
 * every live target. Only the ranges the allocation map names are written. The first bytes (the
 * partition table) are held back in memory and written last by the caller, so a card interrupted
 * anywhere before the end never looks like a finished one.
 */
import { createHash } from 'node:crypto';
import { FiotError } from '../../shared/errors';
import type { AllocationMap } from './allocation-map';
import type { ImageChunk } from './chunks';
import { appendRange, rangeEnd, type ByteRange } from './ranges';
import { failSlot, forEachLive, isLive, type TargetSlot } from './slots';
import { alignedBuffer } from './target-io';

/** The partition table and what precedes the first partition: written after everything else. */
export const HEAD_BYTES = 1 << 20;

/** Chunks on their way to the cards at once: bounds memory while decoding runs ahead of writing. */
const WRITE_DEPTH = 3;

export interface HeldHead {
  data: Buffer;
  ranges: ByteRange[];
}

export interface StreamOutcome {
  /** Bytes of image seen (the decoded length for a stream). */
  imageBytes: number;
  /** Ranges written outside the head, in order, and the sha256 of their bytes in that order. */
  body: ByteRange[];
  bodySha256: string;
  head: HeldHead;
  /** sha256 of every byte that the cards receive from the image, head included, in image order. */
  writtenSha256: string;
}

export interface StreamOptions {
  signal: AbortSignal;
  onChunk(imageBytes: number): void;
}

function cancelled(): FiotError {
  return new FiotError('CANCELLED', 'The write was cancelled.');
}

async function writeRanges(slots: TargetSlot[], chunk: ImageChunk, ranges: ByteRange[]): Promise<void> {
  await forEachLive(slots, async (slot) => {
    for (const range of ranges) {
      const start = range.offset - chunk.offset;
      await slot.io.write(chunk.data.subarray(start, start + range.length), range.offset);
      slot.bytesWritten += range.length;
    }
  });
}

/** A target smaller than the image fails as soon as the image passes its end. */
function failTooSmall(slots: TargetSlot[], imageEnd: number): void {
  for (const slot of slots.filter(isLive)) {
    if (slot.io.size !== null && imageEnd > slot.io.size) {
      failSlot(slot, new FiotError('TARGET_TOO_SMALL', `${slot.device} holds ${slot.io.size} bytes, but the image is longer.`));
    }
  }
}

export async function writeChunks(chunks: AsyncIterable<ImageChunk>, map: AllocationMap, slots: TargetSlot[], options: StreamOptions): Promise<StreamOutcome> {
  const head: HeldHead = { data: alignedBuffer(HEAD_BYTES).fill(0), ranges: [] };
  const bodyHash = createHash('sha256');
  const allHash = createHash('sha256');
  const body: ByteRange[] = [];
  const inflight: Promise<void>[] = [];
  let imageBytes = 0;
  try {
    await consume();
  } finally {
    // Even on cancel or a source error: no write may still be running when the caller closes the cards.
    await Promise.all(inflight);
  }
  return { imageBytes, body, bodySha256: bodyHash.digest('hex'), head, writtenSha256: allHash.digest('hex') };

  async function consume(): Promise<void> {
    for await (const chunk of chunks) {
      if (options.signal.aborted) throw cancelled();
      const chunkEnd = chunk.offset + chunk.data.length;
      imageBytes = Math.max(imageBytes, chunkEnd);
      failTooSmall(slots, chunkEnd);
      if (!slots.some(isLive)) break;
      map.observe(chunk.data, chunk.offset);
      const writes: ByteRange[] = [];
      for (const range of map.mustWrite(chunk.offset, chunk.data.length)) {
        const bytes = chunk.data.subarray(range.offset - chunk.offset, rangeEnd(range) - chunk.offset);
        allHash.update(bytes);
        const headPart = Math.max(0, Math.min(rangeEnd(range), HEAD_BYTES) - range.offset);
        if (headPart > 0) {
          bytes.copy(head.data, range.offset, 0, headPart);
          appendRange(head.ranges, { offset: range.offset, length: headPart });
        }
        if (headPart < range.length) {
          const rest = { offset: range.offset + headPart, length: range.length - headPart };
          bodyHash.update(bytes.subarray(headPart));
          appendRange(body, rest);
          writes.push(rest);
        }
      }
      if (writes.length > 0) inflight.push(writeRanges(slots, chunk, writes));
      while (inflight.length >= WRITE_DEPTH) await inflight.shift();
      options.onChunk(imageBytes);
    }
  }
}
