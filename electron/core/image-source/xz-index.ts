/**
 * The blocks of an .xz file and its decompressed size, read from its index (the table at the end
 * of every xz stream), without decompressing anything. A truncated or damaged file fails here, before a card
 * is touched, because its footer or index no longer checks out.
 */
import { crc32 } from 'node:zlib';
import { FiotError } from '../../../shared/errors';

export type ReadAt = (offset: number, length: number) => Promise<Buffer>;

const HEADER_SIZE = 12;
const FOOTER_SIZE = 12;
const HEADER_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);

function corrupt(name: string, why: string): FiotError {
  return new FiotError('SOURCE_CORRUPT', `${name} is not a complete xz file (${why}).`);
}

/** xz's variable-length integer: 7 bits a byte, low bits first. */
function readVarint(buf: Buffer, pos: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 9; i++) {
    const byte = buf[pos + i];
    if (byte === undefined) throw new RangeError('varint past end');
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return { value, next: pos + i + 1 };
    scale *= 128;
  }
  throw new RangeError('varint too long');
}

/** One block as the index records it, placed in the file and in the image. */
export interface XzBlock {
  /** Where the block header starts in the file. */
  fileOffset: number;
  /** Header, compressed data and check, without the padding to four bytes (the index's "unpadded size"). */
  unpaddedSize: number;
  imageOffset: number;
  imageSize: number;
  /** The stream flags (check type) of the stream holding the block: it decodes only inside such a stream. */
  streamFlags: Buffer;
}

interface IndexRecord {
  unpaddedSize: number;
  imageSize: number;
}

/** Parses one stream's index into its records. */
function parseIndex(index: Buffer, name: string): IndexRecord[] {
  if (index[0] !== 0x00) throw corrupt(name, 'index indicator missing');
  const body = index.subarray(0, index.length - 4);
  if (crc32(body) !== index.readUInt32LE(index.length - 4)) throw corrupt(name, 'index checksum wrong');
  let { value: count, next: pos } = readVarint(index, 1);
  const records: IndexRecord[] = [];
  while (count-- > 0) {
    const unpadded = readVarint(index, pos);
    const size = readVarint(index, unpadded.next);
    records.push({ unpaddedSize: unpadded.value, imageSize: size.value });
    pos = size.next;
  }
  return records;
}

export const paddedSize = (unpadded: number): number => Math.ceil(unpadded / 4) * 4;

/**
 * Every block of every stream in the file (xz allows concatenated streams), in file order, with
 * where each lies in the file and in the image. Read from the indexes at the end of the streams,
 * walking back from the end of the file.
 */
export async function readXzBlocks(read: ReadAt, fileSize: number, name: string): Promise<XzBlock[]> {
  let end = fileSize;
  const streams: XzBlock[][] = [];
  while (end > 0) {
    // Stream padding: null bytes in groups of four between and after streams.
    const tail = await read(end - 4, 4);
    if (tail.readUInt32LE(0) === 0) {
      end -= 4;
      continue;
    }
    if (end < HEADER_SIZE + FOOTER_SIZE) throw corrupt(name, 'too short');
    const footer = await read(end - FOOTER_SIZE, FOOTER_SIZE);
    if (footer[10] !== 0x59 || footer[11] !== 0x5a) throw corrupt(name, 'stream footer missing: the file is cut short');
    if (crc32(footer.subarray(4, 10)) !== footer.readUInt32LE(0)) throw corrupt(name, 'footer checksum wrong');
    const indexSize = (footer.readUInt32LE(4) + 1) * 4;
    const indexStart = end - FOOTER_SIZE - indexSize;
    if (indexStart < HEADER_SIZE) throw corrupt(name, 'index larger than the file');
    let records: IndexRecord[];
    try {
      records = parseIndex(await read(indexStart, indexSize), name);
    } catch (error) {
      if (error instanceof FiotError) throw error;
      throw corrupt(name, 'index unreadable');
    }
    const blocksLength = records.reduce((sum, r) => sum + paddedSize(r.unpaddedSize), 0);
    const streamStart = indexStart - blocksLength - HEADER_SIZE;
    if (streamStart < 0) throw corrupt(name, 'blocks larger than the file');
    const header = await read(streamStart, HEADER_SIZE);
    if (!header.subarray(0, 6).equals(HEADER_MAGIC)) throw corrupt(name, 'stream header not where the index says');
    const streamFlags = Buffer.from(header.subarray(6, 8));
    let fileOffset = streamStart + HEADER_SIZE;
    streams.unshift(
      records.map((r) => {
        const block = { fileOffset, unpaddedSize: r.unpaddedSize, imageOffset: 0, imageSize: r.imageSize, streamFlags };
        fileOffset += paddedSize(r.unpaddedSize);
        return block;
      }),
    );
    end = streamStart;
  }
  const blocks = streams.flat();
  let imageOffset = 0;
  for (const block of blocks) {
    block.imageOffset = imageOffset;
    imageOffset += block.imageSize;
  }
  return blocks;
}

/** Sum of the uncompressed sizes of every stream in the file. */
export async function xzUncompressedSize(read: ReadAt, fileSize: number, name: string): Promise<number> {
  return (await readXzBlocks(read, fileSize, name)).reduce((sum, block) => sum + block.imageSize, 0);
}
