/**
 * How the image reaches the writer's chunk loop. A raw file is mapped first (random access: its
 * partition table and filesystem bitmaps), then only its data ranges are read; ranges handed in
 * by the caller (a cached, already mapped image) are used as they are. A multi-block .xz is read
 * the same way: mapped from the few blocks holding metadata, then only the blocks overlapping data
 * are decoded, on every core. Other compressed images are decoded as a stream, the allocation map
 * deciding chunk by chunk.
 */
import { open } from 'node:fs/promises';
import { FiotError } from '../../../shared/errors';
import { mapImage } from '../image-map';
import { openDecodedStream, type DecodedSource } from './decode';
import type { SourceInfo } from './inspect';
import { decodeBlocks } from './xz-blocks';
import { openXzRandomAccess, type XzRandomAccess } from './xz-random-access';
import { fixedRanges, streamingMap, type AllocationMap } from './allocation-map';
import { placedChunks, rangeChunks, streamChunks, type ImageChunk } from './chunks';
import { mergeRanges, type ByteRange } from './ranges';

/** One image opened for writing: what the writer's chunk loop reads, whatever the file's format. */
export interface ImageSource {
  /** The image's size in bytes, or null when only decoding the whole stream tells. */
  size: number | null;
  chunks: AsyncIterable<ImageChunk>;
  map: AllocationMap;
  /** Present when decoding a stream: its exit status and byte count are checked at the end. */
  decoded: DecodedSource | null;
  decoder: string;
  /** True when the decoder yields the whole image in order: its byte count must be the image's size. */
  wholeStream: boolean;
  /** For a multi-block .xz: its blocks, those decoded to map it, and those decoded to write it. */
  xzBlocks?: { total: number; forMap: number; decoded: number };
  /** The end check, once every chunk was taken: see checkDecoded. */
  end(imageBytes: number): Promise<void>;
  /** Stops a decoder still running (a failed or cancelled flash). */
  close(): void;
}

/** What every kind of source adds the same way: its size, the end check and closing its decoder. */
export type SourceParts = Omit<ImageSource, 'size' | 'end' | 'close'>;

export function imageSource(source: SourceInfo, parts: SourceParts): ImageSource {
  const opened: ImageSource = {
    ...parts,
    size: source.size,
    end: (imageBytes) => checkDecoded(opened, source, imageBytes),
    close: () => parts.decoded?.close(),
  };
  return opened;
}

async function mapRawFile(file: string, size: number): Promise<ByteRange[]> {
  const handle = await open(file, 'r');
  try {
    const read = async (offset: number, length: number) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    };
    return (await mapImage(read, size)).dataRanges;
  } finally {
    await handle.close();
  }
}

export async function openImage(source: SourceInfo, dataRanges: ByteRange[] | undefined): Promise<ImageSource> {
  if (source.format === 'raw' && source.size !== null) {
    const ranges = mergeRanges(dataRanges ?? (await mapRawFile(source.path, source.size)));
    const last = ranges[ranges.length - 1];
    if (last && last.offset + last.length > source.size) throw new FiotError('INVALID_INPUT', 'The data ranges reach past the end of the image.');
    return imageSource(source, { chunks: rangeChunks(source.path, ranges), map: fixedRanges(ranges), decoded: null, decoder: dataRanges ? 'raw file, given map' : 'raw file, mapped', wholeStream: false });
  }
  if (dataRanges) throw new FiotError('INVALID_INPUT', 'Data ranges can only be given with a raw image file.');
  const access = await openXzRandomAccess(source);
  if (access) return imageSource(source, await openBlocks(access));
  const decoded = await openDecodedStream(source);
  return imageSource(source, { chunks: streamChunks(decoded.stream), map: streamingMap(source.size), decoded, decoder: decoded.decoder, wholeStream: true });
}

/** Maps a multi-block .xz from its metadata blocks, then decodes the blocks that hold data. */
async function openBlocks(access: XzRandomAccess): Promise<SourceParts> {
  const ranges = mergeRanges((await mapImage(access.read, access.size)).dataRanges);
  const blocks = access.blocksFor(ranges);
  const decoded = decodeBlocks(access.file, blocks);
  return {
    chunks: placedChunks(decoded),
    map: fixedRanges(ranges),
    decoded,
    decoder: `${decoded.decoder}, ${blocks.length} of ${access.blocks.length} blocks`,
    wholeStream: false,
    xzBlocks: { total: access.blocks.length, forMap: access.metadataBlocks, decoded: blocks.length },
  };
}

/** After the stream: the decoder must have exited cleanly and produced exactly the promised bytes. */
async function checkDecoded(reader: ImageSource, source: SourceInfo, imageBytes: number): Promise<void> {
  if (!reader.decoded || !reader.wholeStream) return;
  await reader.decoded.finished;
  if (source.size !== null && imageBytes !== source.size) {
    throw new FiotError('SOURCE_CORRUPT', `${source.path} decoded to ${imageBytes} bytes, but it says its image holds ${source.size}.`);
  }
  if (imageBytes === 0) throw new FiotError('SOURCE_CORRUPT', `${source.path} holds no image data.`);
}
