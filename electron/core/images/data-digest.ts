/**
 * The digest a flash from a cached raw copy must reproduce: sha256 over the bytes of the copy's
 * data ranges, in image order. That is exactly the byte sequence the writer reads, writes and
 * hashes (its `writtenSha256`), so comparing the two proves that what reached the card is what
 * the cache held when the copy was made from a verified download, without hashing gigabytes of
 * empty space or a second pass over the file before writing.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { ByteRange } from '../image-map';
import { mergeRanges } from '../image-map/ranges';

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
