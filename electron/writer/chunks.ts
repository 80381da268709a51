/**
 * The decoded image as a sequence of chunks, each with its offset in the image: either the whole
 * stream in order, or only given ranges of a raw file. Plain memory: only the bytes that are
 * written are copied into aligned buffers (write-stream.ts), and most of a stream is free space.
 */
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { FiotError } from '../../shared/errors';
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

export async function* streamChunks(stream: Readable, chunkSize = CHUNK_SIZE): AsyncGenerator<ImageChunk> {
  const buffer = Buffer.allocUnsafeSlow(chunkSize);
  let filled = 0;
  let offset = 0;
  for await (const piece of stream as AsyncIterable<Buffer>) {
    let pos = 0;
    while (pos < piece.length) {
      const n = Math.min(piece.length - pos, chunkSize - filled);
      piece.copy(buffer, filled, pos, pos + n);
      filled += n;
      pos += n;
      if (filled === chunkSize) {
        yield { offset, data: buffer };
        offset += chunkSize;
        filled = 0;
      }
    }
  }
  if (filled > 0) yield { offset, data: buffer.subarray(0, filled) };
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
