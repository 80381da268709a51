/**
 * A test's own reading of what a cached copy's dataSha256 means: sha256 over the bytes of the given
 * data ranges of a file, in image order (the writer's writtenSha256 over the ranges it wrote).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { ByteRange } from '../../electron/core/image-map';
import { mergeRanges } from '../../electron/core/image-map/ranges';

const READ_BYTES = 4 << 20;

export async function dataDigest(file: string, ranges: ByteRange[], signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const handle = await fs.open(file, 'r');
  const buffer = Buffer.alloc(READ_BYTES);
  try {
    for (const range of mergeRanges(ranges)) {
      for (let done = 0; done < range.length;) {
        signal?.throwIfAborted();
        const { bytesRead } = await handle.read(buffer, 0, Math.min(READ_BYTES, range.length - done), range.offset + done);
        // A short read means the file ended early; the zeros a card would get are hashed as zeros.
        const piece = bytesRead > 0 ? buffer.subarray(0, bytesRead) : Buffer.alloc(Math.min(READ_BYTES, range.length - done));
        hash.update(piece);
        done += piece.length;
      }
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}
