/**
 * One decode, N writers: each chunk of the image is mapped once, hashed once, and written to
 * every live target. Only the ranges the allocation map names are written. The first bytes (the
 * partition table) and a GPT image's backup header are held back in memory and written last by the
 * caller, so a card interrupted anywhere before the end never looks like a finished one.
 */
import { createHash } from 'node:crypto';
import { FiotError } from '../../shared/errors';
import { AlignedPool } from './aligned-pool';
import { CHUNK_SIZE, type AllocationMap, type ImageChunk } from '../core/image-source';
import { readBackDigest } from './read-back-digest';
import { backupGptUnit, holdUnit, type HeldUnit } from './held-tables';
import { appendRange, rangeEnd, type ByteRange } from '../core/image-source/ranges';
import { failSlot, forEachLive, isLive, type TargetSlot } from './slots';
import { ALIGNMENT, alignedBuffer } from './target-io';

/** The partition table and what precedes the first partition: written after everything else. */
export const HEAD_BYTES = 1 << 20;

/** The primary GPT header ends here with 4 KiB sectors (with 512-byte ones, at 1024). */
const GPT_HEADER_END = 8192;

/**
 * Chunks on their way to the cards at once: bounds memory (36 MiB of aligned buffers) while
 * decoding runs ahead of writing. Card writes come in bursts; with 3, a multi-threaded xz
 * decoding the faithful Fedora image waited 2.8-4 s of a ~20 s flash for writes to drain, with 8
 * a few milliseconds (the flash 2.5-4 s faster); 16 gained nothing more.
 */
const WRITE_DEPTH = 8;

export interface HeldHead {
  data: Buffer;
  ranges: ByteRange[];
  /** The unit of a GPT image's backup header: left out of the body, written with the head. */
  backup: HeldUnit | null;
}

export interface StreamOutcome {
  /** Bytes of image seen (the decoded length for a stream). */
  imageBytes: number;
  /** Ranges written outside the head, in order. */
  body: ByteRange[];
  head: HeldHead;
  /**
   * sha256 of every byte the cards receive from the image, in image order: the head's ranges
   * (held in memory), then the body's: the history's record of what was written, and what a cached
   * copy is held to (expected-digest.ts).
   */
  writtenSha256: string;
  /** The same sequence's read-back digest (read-back-digest.ts): what verification reproduces. */
  writtenDigest: string;
}

export interface StreamOptions {
  signal: AbortSignal;
  onChunk(imageBytes: number): void;
  /** One more sink for the body besides the cards (the image cache's copy, cache-copy.ts); its failures are its own. */
  copy?: { write(data: Buffer, offset: number): Promise<void> } | null;
}

/** Ranges of one chunk, packed at aligned positions of one pooled buffer. */
interface Staged {
  buffer: Buffer;
  writes: Array<{ range: ByteRange; at: number }>;
}

function cancelled(): FiotError {
  return new FiotError('CANCELLED', 'The write was cancelled.');
}

async function writeStaged(slots: TargetSlot[], staged: Staged, pool: AlignedPool, copy: StreamOptions['copy']): Promise<void> {
  try {
    // Queued at once, so the copy receives the ranges in image order whatever the cards' pace.
    const copied = copy ? Promise.all(staged.writes.map(({ range, at }) => copy.write(staged.buffer.subarray(at, at + range.length), range.offset))) : null;
    await forEachLive(slots, async (slot) => {
      for (const { range, at } of staged.writes) {
        await slot.io.write(staged.buffer.subarray(at, at + range.length), range.offset);
        slot.bytesWritten += range.length;
      }
    });
    await copied;
  } finally {
    pool.give(staged.buffer);
  }
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
  const head: HeldHead = { data: alignedBuffer(HEAD_BYTES).fill(0), ranges: [], backup: null };
  let backupLocated = false;
  // Ranges are whole 4 KiB units except one that ends the image: one unit of slack covers it.
  const pool = new AlignedPool(CHUNK_SIZE + ALIGNMENT, WRITE_DEPTH + 1);
  const hash = createHash('sha256');
  const digest = readBackDigest();
  const body: ByteRange[] = [];
  const inflight: Promise<void>[] = [];
  let imageBytes = 0;

  /** Holds back the head part of a range, and returns the part past the head. */
  function holdHead(range: ByteRange, bytes: Buffer): ByteRange | null {
    const headPart = Math.max(0, Math.min(rangeEnd(range), HEAD_BYTES) - range.offset);
    if (headPart > 0) {
      bytes.copy(head.data, range.offset, 0, headPart);
      appendRange(head.ranges, { offset: range.offset, length: headPart });
      if (!backupLocated && range.offset + headPart >= GPT_HEADER_END) {
        backupLocated = true;
        head.backup = backupGptUnit(head.data, HEAD_BYTES);
      }
    }
    return headPart < range.length ? { offset: range.offset + headPart, length: range.length - headPart } : null;
  }

  async function stage(chunk: ImageChunk, ranges: ByteRange[]): Promise<Staged | null> {
    let staged: Staged | null = null;
    let at = 0;
    for (const range of ranges) {
      const bytes = chunk.data.subarray(range.offset - chunk.offset, rangeEnd(range) - chunk.offset);
      hash.update(bytes);
      digest.update(bytes);
      const afterHead = holdHead(range, bytes);
      if (!afterHead) continue;
      const afterHeadBytes = chunk.data.subarray(afterHead.offset - chunk.offset, rangeEnd(afterHead) - chunk.offset);
      for (const now of holdUnit(head.backup, afterHead, afterHeadBytes)) {
        staged ??= { buffer: await pool.take(), writes: [] };
        const from = now.offset - chunk.offset;
        chunk.data.copy(staged.buffer, at, from, from + now.length);
        staged.writes.push({ range: now, at });
        appendRange(body, now);
        at += Math.ceil(now.length / ALIGNMENT) * ALIGNMENT;
      }
    }
    return staged;
  }

  async function consume(): Promise<void> {
    for await (const chunk of chunks) {
      if (options.signal.aborted) throw cancelled();
      const chunkEnd = chunk.offset + chunk.data.length;
      imageBytes = Math.max(imageBytes, chunkEnd);
      failTooSmall(slots, chunkEnd);
      if (!slots.some(isLive)) break;
      map.observe(chunk.data, chunk.offset);
      const staged = await stage(chunk, map.mustWrite(chunk.offset, chunk.data.length));
      if (staged) inflight.push(writeStaged(slots, staged, pool, options.copy));
      while (inflight.length >= WRITE_DEPTH) await inflight.shift();
      options.onChunk(imageBytes);
    }
  }

  try {
    await consume();
  } finally {
    // Even on cancel or a source error: no write may still be running when the caller closes the cards.
    await Promise.all(inflight);
  }
  return { imageBytes, body, head, writtenSha256: hash.digest('hex'), writtenDigest: digest.hex() };
}
