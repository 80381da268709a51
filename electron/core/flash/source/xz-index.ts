/**
 * The decompressed size of an .xz file, read from its index (the table at the end of every xz
 * stream), without decompressing anything. A truncated or damaged file fails here, before a card
 * is touched, because its footer or index no longer checks out.
 */
import { crc32 } from 'node:zlib';
import { FiotError } from '../../../../shared/errors';

type ReadAt = (offset: number, length: number) => Promise<Buffer>;

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

/** Parses one stream's index; returns the stream's total uncompressed size and its byte length. */
function parseIndex(index: Buffer, name: string): { uncompressed: number; blocksLength: number } {
  if (index[0] !== 0x00) throw corrupt(name, 'index indicator missing');
  const body = index.subarray(0, index.length - 4);
  if (crc32(body) !== index.readUInt32LE(index.length - 4)) throw corrupt(name, 'index checksum wrong');
  let { value: records, next: pos } = readVarint(index, 1);
  let uncompressed = 0;
  let blocksLength = 0;
  while (records-- > 0) {
    const unpadded = readVarint(index, pos);
    const size = readVarint(index, unpadded.next);
    blocksLength += Math.ceil(unpadded.value / 4) * 4;
    uncompressed += size.value;
    pos = size.next;
  }
  return { uncompressed, blocksLength };
}

/** Sum of the uncompressed sizes of every stream in the file (xz allows concatenated streams). */
export async function xzUncompressedSize(read: ReadAt, fileSize: number, name: string): Promise<number> {
  let end = fileSize;
  let total = 0;
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
    let parsed: { uncompressed: number; blocksLength: number };
    try {
      parsed = parseIndex(await read(indexStart, indexSize), name);
    } catch (error) {
      if (error instanceof FiotError) throw error;
      throw corrupt(name, 'index unreadable');
    }
    const streamStart = indexStart - parsed.blocksLength - HEADER_SIZE;
    if (streamStart < 0) throw corrupt(name, 'blocks larger than the file');
    const header = await read(streamStart, HEADER_SIZE);
    if (!header.subarray(0, 6).equals(HEADER_MAGIC)) throw corrupt(name, 'stream header not where the index says');
    total += parsed.uncompressed;
    end = streamStart;
  }
  return total;
}
