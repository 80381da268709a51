/**
 * Where the image's own partition table says the image ends at least: the end of its last
 * partition. A raw file shorter than that was cut short (a download stopped early, a copy that ran
 * out of room), and a compressed image whose format does not record its size (gzip) is at least
 * that large, so a card too small for it is refused before a byte is written.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parsePartitionTable, TABLE_HEAD_BYTES } from '../image-map/partition-table';

/** The end of the last partition the table in `head` names; 0 without a readable table. */
export function partitionTableEnd(head: Buffer): number {
  return parsePartitionTable(head, null).reduce((end, part) => Math.max(end, part.offset + part.size), 0);
}

/** The first TABLE_HEAD_BYTES of a gzip file's decoded image (fewer when it is shorter or damaged). */
export async function gzipImageHead(file: string): Promise<Buffer> {
  const input = createReadStream(file, { highWaterMark: 64 * 1024 });
  const decoded = input.pipe(createGunzip());
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of decoded as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= TABLE_HEAD_BYTES) break;
    }
  } catch {
    // A damaged stream is the writer's to report (SOURCE_CORRUPT); here it only means no table.
  } finally {
    input.destroy();
    decoded.destroy();
  }
  return Buffer.concat(chunks).subarray(0, TABLE_HEAD_BYTES);
}

/**
 * gzip's trailer keeps the size of its last member modulo 2^32 (ISIZE): never more than the
 * image, so a floor even for a file of several members or an image past 4 GiB.
 */
export function gzipTrailerSize(trailer: Buffer): number {
  return trailer.length >= 4 ? trailer.readUInt32LE(trailer.length - 4) : 0;
}
