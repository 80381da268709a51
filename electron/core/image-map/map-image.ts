/** The allocation map of an image that can be read at any offset (a cached raw image, a .raw file). */
import { FiotError } from '../../../shared/errors';
import { ImageAllocation } from './image-allocation';
import { TABLE_HEAD_BYTES, parsePartitionTable } from './partition-table';
import { totalLength } from './ranges';
import type { ByteRange, PartitionInfo } from './types';

export type ReadAt = (offset: number, length: number) => Promise<Buffer>;

export interface ImageMap {
  partitions: PartitionInfo[];
  /** What must be written: sorted, merged, on 4 KiB boundaries (the last may end at the image's end). */
  dataRanges: ByteRange[];
  dataBytes: number;
}

/** The ranges of the image that must be written, and its partitions with their filesystems. */
export async function mapImage(read: ReadAt, size: number): Promise<ImageMap> {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new FiotError('INVALID_INPUT', `An image size of ${size} bytes is not possible.`);
  }
  const readExactly = async (offset: number, length: number): Promise<Buffer> => {
    const bytes = await read(offset, length);
    if (bytes.length < length) {
      throw new FiotError(
        'SOURCE_CORRUPT',
        `The image ends early: ${length} bytes at offset ${offset} could not be read from an image said to hold ${size} bytes.`,
      );
    }
    return bytes.subarray(0, length);
  };
  const head = await readExactly(0, Math.min(TABLE_HEAD_BYTES, size));
  const allocation = new ImageAllocation(parsePartitionTable(head, size), size);
  for (let requests = allocation.takeRequests(); requests.length > 0; requests = allocation.takeRequests()) {
    for (const request of requests) {
      // Metadata said to lie past the image's end is damage; leaving it unread keeps that part written.
      if (request.offset + request.length > size) continue;
      request.accept(await readExactly(request.offset, request.length));
    }
  }
  const dataRanges = allocation.mustWrite(0, size);
  return { partitions: allocation.partitions(), dataRanges, dataBytes: totalLength(dataRanges) };
}
