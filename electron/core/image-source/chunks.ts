/**
 * The decoded image as a sequence of chunks, each with its offset in the image: either the whole
 * stream in order, or only given ranges of a raw file. Plain memory: only the bytes that are
 * written are copied into aligned buffers (the writer's write-stream.ts), and most of a stream is free space.
 */
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { FiotError } from '../../../shared/errors';
import { runPlacer, type DecodedBlocks } from './xz-blocks';
import { piecesOf, type ByteRange } from './ranges';

/**
 * A chunk's `data` is only valid until the next chunk is asked for: one buffer is refilled, since
 * a fresh 4 MiB buffer per chunk kept the garbage collector busy for a second of a 2 GiB flash.
 */
export interface ImageChunk {
  offset: number;
  data: Buffer;
}

/** 4 MiB: large enough for sequential card writes, small enough to keep a few in flight. */
export const CHUNK_SIZE = 4 << 20;

/**
 * Asks a chunk stream for what it holds before its chunk is full: `want()` makes it hand over the
 * bytes that arrived so far, or the next ones to arrive, as a shorter chunk (download-blocks.ts,
 * whose allocation map must see metadata the decoder already put out).
 */
export class EarlyChunk {
  wanted = false;
  /** Set by the chunk stream that reads it: wakes it when it holds bytes already. */
  notify: () => void = () => undefined;

  want(): void {
    this.wanted = true;
    this.notify();
  }
}

/**
 * Fills one buffer from 'data' events and hands it over when full. Not `for await` over the
 * stream: xz writes 8 KiB at a time, so a 2 GiB image arrives in ~200,000 small pieces, and an
 * awaited step per piece cost seconds; here there is one per 4 MiB chunk.
 */
export async function* streamChunks(stream: Readable, chunkSize = CHUNK_SIZE, early?: EarlyChunk): AsyncGenerator<ImageChunk> {
  const buffer = Buffer.allocUnsafeSlow(chunkSize);
  let filled = 0;
  /** The part of a piece that did not fit: it waits, with the stream paused, for the next chunk. */
  let rest: Buffer | null = null;
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const signal = () => {
    wake?.();
    wake = null;
  };
  const take = (piece: Buffer): Buffer | null => {
    const n = Math.min(piece.length, chunkSize - filled);
    piece.copy(buffer, filled, 0, n);
    filled += n;
    return n < piece.length ? piece.subarray(n) : null;
  };
  /** A chunk is with the consumer: its buffer must not change until it asks for the next. */
  let out = false;
  stream.on('data', (piece: Buffer) => {
    // A piece arriving while the chunk is still out (the stream was already paused) waits its turn.
    if (out || filled === chunkSize || rest) {
      rest = rest ? Buffer.concat([rest, piece]) : piece;
      return;
    }
    rest = take(piece);
    if (filled === chunkSize) {
      stream.pause();
      signal();
    } else if (early?.wanted) {
      signal();
    }
  });
  if (early) {
    early.notify = () => {
      if (filled > 0) signal();
    };
  }
  stream.on('end', () => {
    ended = true;
    signal();
  });
  stream.on('error', (error: Error) => {
    failure = error;
    signal();
  });
  try {
    for (let offset = 0; ; ) {
      while (filled < chunkSize && !ended && !failure && !(early?.wanted && filled > 0)) await new Promise<void>((resolve) => (wake = resolve));
      if (failure) throw failure;
      if (filled === 0) return;
      if (early) early.wanted = false;
      out = true;
      stream.pause();
      yield { offset, data: filled === chunkSize ? buffer : buffer.subarray(0, filled) };
      out = false;
      offset += filled;
      filled = 0;
      while (rest && filled < chunkSize) rest = take(rest);
      if (filled < chunkSize) stream.resume();
    }
  } finally {
    stream.pause();
  }
}

/** Only the given ranges of a raw image file: a mapped image reads no more than it writes. */
export async function* rangeChunks(file: string, ranges: ByteRange[], chunkSize = CHUNK_SIZE): AsyncGenerator<ImageChunk> {
  const handle = await open(file, 'r');
  const buffer = Buffer.allocUnsafeSlow(chunkSize);
  try {
    for (const piece of piecesOf(ranges, chunkSize)) {
      const data = buffer.subarray(0, piece.length);
      const { bytesRead } = await handle.read(data, 0, piece.length, piece.offset);
      if (bytesRead < piece.length) throw new FiotError('SOURCE_CORRUPT', `${file} ends before ${piece.offset + piece.length}, where its map says data lies.`);
      yield { offset: piece.offset, data };
    }
  } finally {
    await handle.close();
  }
}

/**
 * The decoded bytes of chosen xz blocks, each piece at its place in the image. Ends only once the
 * decoder exited cleanly with exactly the blocks' bytes, so a damaged or short block fails here,
 * before the head is written.
 */
export async function* placedChunks(decoded: DecodedBlocks, chunkSize = CHUNK_SIZE, early?: EarlyChunk): AsyncGenerator<ImageChunk> {
  const placer = runPlacer(decoded.runs);
  for await (const chunk of streamChunks(decoded.stream, chunkSize, early)) yield* placer.place(chunk.data);
  await decoded.finished;
  placer.end();
}
