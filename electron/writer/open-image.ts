/**
 * How the image reaches the writer's chunk loop. A raw file is mapped first (random access: its
 * partition table and filesystem bitmaps), then only its data ranges are read; ranges handed in
 * by the caller (a cached, already mapped image) are used as they are. A compressed image is
 * decoded as a stream, the allocation map deciding chunk by chunk.
 */
import { open } from 'node:fs/promises';
import { FiotError } from '../../shared/errors';
import { mapImage } from '../core/image-map';
import { openDecodedStream, type DecodedSource, type SourceInfo } from '../core/flash/source';
import { fixedRanges, streamingMap, type AllocationMap } from './allocation-map';
import { rangeChunks, streamChunks, type ImageChunk } from './chunks';
import { mergeRanges, type ByteRange } from './ranges';

export interface ImageReader {
  chunks: AsyncIterable<ImageChunk>;
  map: AllocationMap;
  /** Present when decoding a stream: its exit status and byte count are checked at the end. */
  decoded: DecodedSource | null;
  decoder: string;
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

export async function openImage(source: SourceInfo, dataRanges: ByteRange[] | undefined): Promise<ImageReader> {
  if (source.format === 'raw' && source.size !== null) {
    const ranges = mergeRanges(dataRanges ?? (await mapRawFile(source.path, source.size)));
    const last = ranges[ranges.length - 1];
    if (last && last.offset + last.length > source.size) throw new FiotError('INVALID_INPUT', 'The data ranges reach past the end of the image.');
    return { chunks: rangeChunks(source.path, ranges), map: fixedRanges(ranges), decoded: null, decoder: dataRanges ? 'raw file, given map' : 'raw file, mapped' };
  }
  if (dataRanges) throw new FiotError('INVALID_INPUT', 'Data ranges can only be given with a raw image file.');
  const decoded = await openDecodedStream(source);
  return { chunks: streamChunks(decoded.stream), map: streamingMap(source.size), decoded, decoder: decoded.decoder };
}

/** After the stream: the decoder must have exited cleanly and produced exactly the promised bytes. */
export async function checkDecoded(reader: ImageReader, source: SourceInfo, imageBytes: number): Promise<void> {
  if (!reader.decoded) return;
  await reader.decoded.finished;
  if (source.size !== null && imageBytes !== source.size) {
    throw new FiotError('SOURCE_CORRUPT', `${source.path} decoded to ${imageBytes} bytes, but it says its image holds ${source.size}.`);
  }
  if (imageBytes === 0) throw new FiotError('SOURCE_CORRUPT', `${source.path} holds no image data.`);
}
