/**
 * How the image reaches the writer's chunk loop: only the mapped ranges of a raw file when the
 * ranges are known (read no more than is written), else the whole decoded stream with the
 * allocation map deciding chunk by chunk.
 */
import { FiotError } from '../../shared/errors';
import { openDecodedStream, type DecodedSource, type SourceInfo } from '../core/flash/source';
import { fixedRanges, writeEverything, type AllocationMap } from './allocation-map';
import { rangeChunks, streamChunks, type ImageChunk } from './chunks';
import { normalizeRanges, type ByteRange } from './ranges';

export interface ImageReader {
  chunks: AsyncIterable<ImageChunk>;
  map: AllocationMap;
  /** Present when decoding a stream: its exit status and byte count are checked at the end. */
  decoded: DecodedSource | null;
  decoder: string;
}

export async function openImage(source: SourceInfo, dataRanges: ByteRange[] | undefined): Promise<ImageReader> {
  if (dataRanges) {
    if (source.format !== 'raw' || source.size === null) {
      throw new FiotError('INVALID_INPUT', 'Data ranges can only be given with a raw image file.');
    }
    const ranges = normalizeRanges(dataRanges);
    const last = ranges[ranges.length - 1];
    if (last && last.offset + last.length > source.size) throw new FiotError('INVALID_INPUT', 'The data ranges reach past the end of the image.');
    return { chunks: rangeChunks(source.path, ranges), map: fixedRanges(ranges), decoded: null, decoder: 'mapped raw file' };
  }
  const decoded = await openDecodedStream(source);
  return { chunks: streamChunks(decoded.stream), map: writeEverything(), decoded, decoder: decoded.decoder };
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
