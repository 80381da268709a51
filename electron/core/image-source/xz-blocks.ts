/**
 * Decoding chosen blocks of a multi-block .xz file, and only those. Each block of an xz stream
 * decodes on its own, but the xz tool reads streams: the chosen blocks are framed as new streams
 * (a header with the original stream's flags, the blocks' bytes as they are in the file, an index
 * listing just them, a footer) and piped to `xz -dc`. Blocks that record their sizes in their
 * headers, as the multi-threaded encoder (osbuild's `xz -T0`) writes them, are then decoded on
 * every core by xz's own threads. Integrity is xz's: each block's check (CRC64, SHA-256) is
 * verified as it is decoded, so a damaged block fails the decoder with SOURCE_CORRUPT. The blocks
 * of a local file are chosen beforehand (decodeBlocks); those of a download are chosen and fed
 * as they arrive (download-blocks.ts, through decodeFramed).
 */
import { spawn } from 'node:child_process';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { FiotError } from '../../../shared/errors';
import type { ByteRange } from '../image-map/types';
import type { DecodedSource } from './decode';
import { findTool } from '../system-tools';
import { paddedSize, type XzBlock } from './xz-index';

const HEADER_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const FOOTER_MAGIC = Buffer.from('YZ', 'latin1');
/** Largest read of block bytes piped to xz at once. */
const FEED_BYTES = 4 << 20;

export interface DecodedBlocks extends DecodedSource {
  /** Where the decoded bytes belong, in the order they come out: adjacent chosen blocks joined. */
  runs: ByteRange[];
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  bytes.push(value);
  return bytes;
}

function withCrc(body: Buffer): Buffer {
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(body) >>> 0);
  return Buffer.concat([body, crc]);
}

export function streamHeader(flags: Buffer): Buffer {
  return Buffer.concat([HEADER_MAGIC, withCrc(flags)]);
}

/** The index and footer closing a stream of exactly these blocks. */
export function streamEnd(blocks: XzBlock[], flags: Buffer): Buffer {
  const records = blocks.flatMap((b) => [...varint(b.unpaddedSize), ...varint(b.imageSize)]);
  const body = [0x00, ...varint(blocks.length), ...records];
  while (body.length % 4 !== 0) body.push(0);
  const index = withCrc(Buffer.from(body));
  const backward = Buffer.alloc(4);
  backward.writeUInt32LE(index.length / 4 - 1);
  const footerBody = withCrc(Buffer.concat([backward, flags]));
  // The footer's CRC comes first: rotate it to the front.
  const footer = Buffer.concat([footerBody.subarray(6), footerBody.subarray(0, 6), FOOTER_MAGIC]);
  return Buffer.concat([index, footer]);
}

type FeedPiece = Buffer | ByteRange;

/** The framed streams as pieces to send: framing bytes, and ranges of the file to copy. */
function framedPieces(blocks: XzBlock[]): FeedPiece[] {
  const pieces: FeedPiece[] = [];
  let group: XzBlock[] = [];
  const close = () => {
    const flags = group[0]?.streamFlags;
    if (!flags) return;
    pieces.push(streamHeader(flags));
    for (const block of group) {
      const last = pieces[pieces.length - 1]!;
      const length = paddedSize(block.unpaddedSize);
      if (!Buffer.isBuffer(last) && last.offset + last.length === block.fileOffset) last.length += length;
      else pieces.push({ offset: block.fileOffset, length });
    }
    pieces.push(streamEnd(group, flags));
    group = [];
  };
  for (const block of blocks) {
    if (group.length > 0 && !group[0]!.streamFlags.equals(block.streamFlags)) close();
    group.push(block);
  }
  close();
  return pieces;
}

/** Adjacent blocks' image spans joined: where the decoded bytes go, in order. */
export function decodedRuns(blocks: XzBlock[]): ByteRange[] {
  const runs: ByteRange[] = [];
  for (const block of blocks) {
    const last = runs[runs.length - 1];
    if (last && last.offset + last.length === block.imageOffset) last.length += block.imageSize;
    else runs.push({ offset: block.imageOffset, length: block.imageSize });
  }
  return runs;
}

/**
 * Places the decoder's output: hand it each piece as it comes, get back the same bytes cut at
 * the runs' ends, each with its image offset. `end()` throws when fewer bytes came than the runs hold.
 */
export function runPlacer(runs: ByteRange[]): { place(data: Buffer): Array<{ offset: number; data: Buffer }>; end(): void } {
  let run = 0;
  let into = 0;
  const wrongLength = (what: string) => new FiotError('SOURCE_CORRUPT', `The image's blocks decoded to ${what} than the file's index says.`, 'The file is damaged: download it again.');
  return {
    place(data) {
      const pieces: Array<{ offset: number; data: Buffer }> = [];
      for (let at = 0; at < data.length; ) {
        const current = runs[run];
        if (!current) throw wrongLength('more bytes');
        const take = Math.min(current.length - into, data.length - at);
        const offset = current.offset + into;
        const last = pieces[pieces.length - 1];
        // Runs that touch in the image come out joined, so chunks stay as large as the decoder's.
        if (last && last.offset + last.data.length === offset) pieces[pieces.length - 1] = { offset: last.offset, data: data.subarray(at - last.data.length, at + take) };
        else pieces.push({ offset, data: data.subarray(at, at + take) });
        at += take;
        into += take;
        if (into === current.length) {
          run++;
          into = 0;
        }
      }
      return pieces;
    },
    end() {
      if (run < runs.length) throw wrongLength('fewer bytes');
    },
  };
}

/** The bytes of `pieces`: framing as it is, file ranges read from `file` in bounded reads. */
async function* fileFeed(file: string, pieces: FeedPiece[]): AsyncGenerator<Buffer> {
  const handle = await open(file, 'r');
  try {
    for (const piece of pieces) {
      if (Buffer.isBuffer(piece)) yield piece;
      else yield* readSpan(handle, piece.offset, piece.length);
    }
  } finally {
    await handle.close();
  }
}

/** `length` bytes of the open file from `offset`, in reads of at most FEED_BYTES. */
export async function* readSpan(handle: FileHandle, offset: number, length: number): AsyncGenerator<Buffer> {
  for (let at = offset; at < offset + length; at += FEED_BYTES) {
    const want = Math.min(FEED_BYTES, offset + length - at);
    const { buffer, bytesRead } = await handle.read(Buffer.allocUnsafe(want), 0, want, at);
    if (bytesRead === 0) throw new FiotError('SOURCE_CORRUPT', `The .xz file ends before ${at}, where its index says a block lies.`, 'The file is damaged: download it again.');
    yield buffer.subarray(0, bytesRead);
  }
}

/** Writes every piece of `input` to xz's stdin as fast as xz takes it, then closes it. */
async function pump(input: AsyncIterable<Buffer>, stdin: Writable): Promise<void> {
  // When xz stops early its stdin closes and 'drain' never comes: closing ends the wait too.
  const send = (bytes: Buffer) =>
    new Promise<void>((resolve) => {
      if (stdin.write(bytes)) return resolve();
      const done = () => {
        stdin.off('drain', done);
        stdin.off('close', done);
        resolve();
      };
      stdin.on('drain', done);
      stdin.on('close', done);
    });
  for await (const bytes of input) {
    // Leaving the loop closes the input (its file handle) too.
    if (stdin.destroyed) return;
    await send(bytes);
  }
  stdin.end();
}

/**
 * One `xz -dc` fed framed streams (`input`: stream headers, block bytes, indexes and footers);
 * its output is the blocks' image bytes in `runs` order. `runs` may still grow while it runs, as
 * long as each block's run is there before its bytes are fed. `threads`: xz's -T; 0 is one per core.
 * A failure of `input` (a FiotError: the download failed, the job was cancelled) is the decoder's.
 */
export function decodeFramed(name: string, input: AsyncIterable<Buffer>, runs: ByteRange[], threads = 0): DecodedBlocks {
  const executable = findTool('xz');
  if (!executable) throw new FiotError('INTERNAL', 'Decoding chosen blocks of an .xz file needs the xz program.');
  const args = ['-dc', `-T${threads}`];
  const child = spawn(executable, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let closing = false;
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    if (stderr.length < 4096) stderr += text;
  });
  // xz stops reading when it fails or is stopped; its exit status then tells what happened.
  child.stdin.on('error', () => undefined);
  // A read error of the source stops xz; its exit then reports this cause.
  let feedError: Error | null = null;
  pump(input, child.stdin).catch((error: Error) => {
    feedError = error;
    child.kill('SIGTERM');
  });
  const finished = new Promise<void>((resolve, reject) => {
    child.on('error', (error) => reject(new FiotError('SOURCE_CORRUPT', `${name} could not be decompressed: xz could not run (${error.message})`)));
    child.on('close', (code, signal) => {
      if (closing || (code === 0 && !feedError)) return resolve();
      if (feedError instanceof FiotError && feedError.code !== 'SOURCE_CORRUPT') return reject(feedError);
      const why = (feedError as Error | null)?.message ?? (stderr.trim().split('\n').pop()?.replace(/^xz: \(stdin\): /, '') || `xz stopped (${signal ?? `exit ${code}`})`);
      reject(new FiotError('SOURCE_CORRUPT', `${name} could not be decompressed: ${why}`, 'The file is damaged: download it again.'));
    });
  });
  finished.catch(() => undefined);
  return {
    stream: child.stdout as Readable,
    finished,
    decoder: `${executable} ${args.join(' ')}`,
    runs,
    close() {
      closing = true;
      child.kill('SIGTERM');
      child.stdout.destroy();
    },
  };
}

/**
 * The decoded bytes of `blocks` (sorted by position, from the file at `file`), as one stream.
 * `threads`: xz's -T; 0 is one thread per core.
 */
export function decodeBlocks(file: string, blocks: XzBlock[], threads = 0): DecodedBlocks {
  return decodeFramed(file, fileFeed(file, framedPieces(blocks)), decodedRuns(blocks), threads);
}

/** Decodes a few blocks whole (metadata reads), each as its own buffer. */
export async function decodeBlocksToBuffers(file: string, blocks: XzBlock[]): Promise<Buffer[]> {
  const decoded = decodeBlocks(file, blocks, 1);
  const parts: Buffer[] = [];
  for await (const part of decoded.stream) parts.push(part as Buffer);
  await decoded.finished;
  const all = Buffer.concat(parts);
  const expected = blocks.reduce((sum, b) => sum + b.imageSize, 0);
  if (all.length !== expected) throw new FiotError('SOURCE_CORRUPT', `${file} could not be decompressed: its blocks hold fewer bytes than its index says.`);
  let at = 0;
  return blocks.map((b) => all.subarray(at, (at += b.imageSize)));
}
