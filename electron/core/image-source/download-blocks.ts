/**
 * A multi-block `.xz` image still downloading, decoded block by block as the download reaches
 * each block, and only the blocks that may hold data. The core read the file's index before the
 * download (its head and end, by Range requests), so the writer knows where every block lies. When
 * a block has arrived, the allocation map, fed with everything decoded so far, answers for the
 * block's span: unknown or allocated, the block is decoded; known free, it is skipped, as the
 * local cold path skips it (open-image.ts). Metadata lies in allocated space, so it is always
 * decoded, and ahead of the data it describes. One `xz -dc -T0` decodes every chosen block on
 * every core, fed as framed streams (xz-blocks.ts) while the blocks arrive. The map learns from
 * what the decoder puts out, a few blocks behind the feed: where it waits for metadata already fed
 * (the FAT, a group's bitmaps), the stream is closed so the decoder puts everything out, and the
 * next block is decided once the map has seen it.
 *
 * The index came from the server before the file did, maybe from another mirror: once the whole
 * file is on disk it must hold the very bytes the index was read from, or the decoder fails
 * (SOURCE_CORRUPT) before the partition tables could go on.
 */
import type { FileHandle } from 'node:fs/promises';
import { FiotError } from '../../../shared/errors';
import type { XzIndexBytes } from '../../../shared/writer-protocol';
import { streamingMap, type AllocationMap, type StreamingMap } from './allocation-map';
import { CHUNK_SIZE, EarlyChunk, placedChunks } from './chunks';
import type { DownloadFeed } from './download-feed';
import { openPart } from './growing-file';
import type { SourceInfo } from './inspect';
import type { SourceParts } from './open-image';
import type { ByteRange } from './ranges';
import { decodeFramed, readSpan, streamEnd, streamHeader } from './xz-blocks';
import { paddedSize, readXzBlocks, type XzBlock } from './xz-index';
import { blocksAllowRandomAccess } from './xz-random-access';

/** The download's `.xz` as its index describes it, and the bytes the index was read from. */
export interface DownloadIndex {
  blocks: XzBlock[];
  fileSize: number;
  pieces: Array<{ offset: number; bytes: Buffer }>;
}

/**
 * The block list from the index bytes the core sent, checked as any `.xz` index is (footer and
 * index checksums); null when they describe no image this writer decodes block by block (one
 * block, blocks off the 4 KiB grid, another size than the job's): the download is then decoded as a stream.
 */
export async function downloadIndex(sent: XzIndexBytes, source: SourceInfo): Promise<DownloadIndex | null> {
  const pieces = sent.pieces.map((piece) => ({ offset: piece.offset, bytes: Buffer.from(piece.bytes, 'base64') }));
  const read = async (offset: number, length: number) => {
    const piece = pieces.find((p) => offset >= p.offset && offset + length <= p.offset + p.bytes.length);
    if (!piece) throw new FiotError('SOURCE_CORRUPT', `The index bytes sent for ${source.path} do not hold ${length} bytes at ${offset}.`);
    return piece.bytes.subarray(offset - piece.offset, offset - piece.offset + length);
  };
  const blocks = await readXzBlocks(read, sent.fileSize, source.path).catch(() => null);
  if (!blocks || !blocksAllowRandomAccess(blocks)) return null;
  if (blocks.reduce((sum, b) => sum + b.imageSize, 0) !== source.size) return null;
  return { blocks, fileSize: sent.fileSize, pieces };
}

/**
 * Stream padding, which xz reads past after a stream's footer: 8 KiB of it fill xz's input buffer,
 * so it decodes and puts out everything fed before (it would wait for 8 KiB more input otherwise).
 */
const FLUSH_PADDING = Buffer.alloc(8192);

/** The writer's map, counting what it observed, so the feeder can wait for metadata the decoder already holds. */
class ObservedMap implements StreamingMap {
  observedBytes = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly map: StreamingMap) {}

  observe(chunk: Buffer, offset: number): void {
    this.map.observe(chunk, offset);
    this.observedBytes += chunk.length;
    for (const wake of this.waiters.splice(0)) wake();
  }

  mustWrite(offset: number, length: number): ByteRange[] {
    return this.map.mustWrite(offset, length);
  }

  awaits(offset: number): boolean {
    return this.map.awaits(offset);
  }

  /** Resolves at the next observed chunk, or when `signal` aborts. */
  next(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.push(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

interface ArrivalContext {
  path: string;
  index: DownloadIndex;
  feed: DownloadFeed;
  signal: AbortSignal;
  map: ObservedMap;
  /** Asks the decoded stream's chunker for what it holds before its chunk is full. */
  early: EarlyChunk;
  /** Image bytes of the blocks fed to the decoder so far, and where the last of them ends. */
  fed: { bytes: number; end: number };
  /** Where each decoded block's bytes go, pushed before its bytes are fed. */
  runs: ByteRange[];
  counts: { decoded: number };
  /** Bytes of the file the download said are on disk. */
  onDisk: number;
}

/**
 * Waits until the download holds the file's first `end` bytes. The feed is asked only for bytes
 * past what it already said it holds: what it takes as read must be on disk (a download starting
 * over below it fails the job).
 */
async function arrived(context: ArrivalContext, end: number): Promise<void> {
  while (context.onDisk < end) {
    const bytes = await context.feed.available(context.onDisk, context.signal);
    if (bytes <= context.onDisk) throw new FiotError('SOURCE_CORRUPT', `The download of ${context.path} ended at ${bytes} bytes, before the block its index places at ${end}.`, 'The file is damaged: download it again.');
    context.onDisk = bytes;
  }
}

/** A block is decoded unless the map already knows its whole span is free. */
function mayHoldData(map: AllocationMap, block: XzBlock): boolean {
  return block.imageSize > 0 && map.mustWrite(block.imageOffset, block.imageSize).length > 0;
}

/**
 * Before deciding on a block: when the map waits for metadata that was already fed to the decoder
 * (a free block would otherwise be decoded only because the map has not seen it yet), the decoder
 * is made to put out what it holds and the map is waited for. Rare: a few times per filesystem.
 */
function behind(context: ArrivalContext): boolean {
  return context.map.observedBytes < context.fed.bytes && context.map.awaits(context.fed.end);
}

async function catchUp(context: ArrivalContext): Promise<void> {
  while (behind(context)) {
    const observed = context.map.next(context.signal);
    context.early.want();
    await observed;
    if (context.signal.aborted) throw new FiotError('CANCELLED', 'The write was cancelled.');
  }
}

/** The whole file arrived: it must be as long as the index said, and hold the bytes it was read from. */
async function checkIndexBytes(handle: FileHandle, context: ArrivalContext): Promise<void> {
  const { fileSize, pieces } = context.index;
  const bytes = await context.feed.length(context.signal);
  const same = async (piece: DownloadIndex['pieces'][number]) => {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(piece.bytes.length), 0, piece.bytes.length, piece.offset);
    return bytesRead === piece.bytes.length && buffer.equals(piece.bytes);
  };
  if (bytes !== fileSize || !(await Promise.all(pieces.map(same))).every(Boolean)) {
    throw new FiotError('SOURCE_CORRUPT', `The downloaded ${context.path} is not the file whose index was read before the download: the server, or a mirror, sent another one.`, 'Write the card again; if it happens again, the mirror serves a damaged copy.');
  }
}

/** The framed stream of the chosen blocks, each fed once it has arrived. */
async function* arrivingBlocks(context: ArrivalContext): AsyncGenerator<Buffer> {
  const handle = await openPart(context.path, context.feed, context.signal);
  try {
    // The blocks of the stream being fed: a new stream starts where the file's stream flags change.
    let open: XzBlock[] = [];
    for (const block of context.index.blocks) {
      const length = paddedSize(block.unpaddedSize);
      await arrived(context, block.fileOffset + length);
      if (mayHoldData(context.map, block) && behind(context)) {
        if (open.length > 0) {
          yield streamEnd(open, open[0]!.streamFlags);
          yield FLUSH_PADDING;
          open = [];
        }
        await catchUp(context);
      }
      if (!mayHoldData(context.map, block)) continue;
      if (open.length > 0 && !open[0]!.streamFlags.equals(block.streamFlags)) {
        yield streamEnd(open, open[0]!.streamFlags);
        open = [];
      }
      if (open.length === 0) yield streamHeader(block.streamFlags);
      open.push(block);
      context.runs.push({ offset: block.imageOffset, length: block.imageSize });
      context.counts.decoded++;
      context.fed.bytes += block.imageSize;
      context.fed.end = block.imageOffset + block.imageSize;
      yield* readSpan(handle, block.fileOffset, length);
    }
    if (open.length > 0) yield streamEnd(open, open[0]!.streamFlags);
    await checkIndexBytes(handle, context);
  } finally {
    await handle.close();
  }
}

/** The download, its blocks decoded as they arrive when they may hold data. */
export function openArrivingBlocks(source: SourceInfo, index: DownloadIndex, feed: DownloadFeed, signal: AbortSignal): SourceParts {
  const map = new ObservedMap(streamingMap(source.size));
  const stop = new AbortController();
  const xzBlocks = { total: index.blocks.length, forMap: 0, decoded: 0 };
  const early = new EarlyChunk();
  const context: ArrivalContext = { path: source.path, index, feed, signal: AbortSignal.any([signal, stop.signal]), map, early, fed: { bytes: 0, end: 0 }, runs: [], counts: xzBlocks, onDisk: 0 };
  const decoded = decodeFramed(source.path, arrivingBlocks(context), context.runs);
  const closable = {
    ...decoded,
    close() {
      stop.abort();
      decoded.close();
    },
  };
  return {
    chunks: placedChunks(closable, CHUNK_SIZE, early),
    map,
    decoded: closable,
    decoder: `${decoded.decoder}, the blocks that may hold data, while downloading`,
    wholeStream: false,
    // Counted as the blocks arrive: the result reads it at the end.
    xzBlocks,
  };
}
