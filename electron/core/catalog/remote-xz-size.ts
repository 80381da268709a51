/**
 * How much room a raw image published as `.xz` takes on the card, read on the server without
 * downloading it: every xz stream ends with an index listing each block's uncompressed size
 * (electron/core/image-source/xz-index.ts reads it). Two ranged GETs answer for a usual image: the
 * head (which also tells the file's length and holds the stream header), then the tail (footer and
 * index). A server that ignores Range is left at once, never read to the end.
 */
import path from 'node:path';
import { FiotError } from '../../../shared/errors';
import { xzUncompressedSize, type ReadAt } from '../image-source/xz-index';
import { fetchWithTimeout, readBytes, type FetchLike } from './http';

/** The head window: the stream header is its first 12 bytes. */
const HEAD_BYTES = 4096;
/**
 * The tail window: the footer and, in one go, the index of an image of up to ~10 000 blocks (a
 * 6 GiB Fedora image in 1 MiB blocks has an index of ~40 KB).
 */
const TAIL_BYTES = 64 * 1024;
/** No single read beyond this: an index that large is not worth fetching to show a size. */
const MAX_READ_BYTES = 1024 * 1024;

export interface RangeRequest {
  timeoutMs: number;
  fetchImpl?: FetchLike;
}

export interface FetchedRange {
  offset: number;
  bytes: Buffer;
}

async function fetchRange(url: string, start: number, end: number, request: RangeRequest): Promise<{ bytes: Buffer; fileSize: number }> {
  const response = await fetchWithTimeout(url, { headers: { Range: `bytes=${start}-${end}` } }, request.timeoutMs, request.fetchImpl);
  if (response.status !== 206) {
    // A 200 is the whole image on its way: cancel it rather than read it.
    await response.body?.cancel().catch(() => undefined);
    throw new FiotError('NETWORK', `${url} does not send parts of a file (HTTP ${response.status} to a Range request)`);
  }
  const [, first, total] = /^bytes (\d+)-\d+\/(\d+)$/.exec(response.headers.get('content-range') ?? '') ?? [];
  const fileSize = Number(total);
  if (Number(first) !== start || !Number.isSafeInteger(fileSize)) {
    await response.body?.cancel().catch(() => undefined);
    throw new FiotError('NETWORK', `${url} answered a Range request with another part than asked for, or without the file's length`);
  }
  return { bytes: await readBytes(url, response, end - start + 1), fileSize };
}

/**
 * A ReadAt over HTTP that keeps what it fetched. A read outside what is held fetches a window ending
 * where the read ends, since the index is read walking back from the end of the file.
 */
function rangedReader(url: string, request: RangeRequest): { read: ReadAt; fetchHead(): Promise<number>; held: FetchedRange[] } {
  const held: FetchedRange[] = [];
  const fetchInto = async (start: number, end: number) => {
    const { bytes, fileSize } = await fetchRange(url, start, end, request);
    held.push({ offset: start, bytes });
    return fileSize;
  };
  const read: ReadAt = async (offset, length) => {
    const within = (r: FetchedRange) => offset >= r.offset && offset + length <= r.offset + r.bytes.length;
    let range = held.find(within);
    if (!range) {
      if (length > MAX_READ_BYTES) throw new FiotError('SOURCE_CORRUPT', `${url} has an xz index too large to read for its size.`);
      const end = offset + length;
      await fetchInto(Math.max(0, end - Math.max(length, TAIL_BYTES)), end - 1);
      range = held.find(within);
      if (!range) throw new FiotError('NETWORK', `${url} sent fewer bytes than asked for`);
    }
    return range.bytes.subarray(offset - range.offset, offset - range.offset + length);
  };
  return { read, fetchHead: () => fetchInto(0, HEAD_BYTES - 1), held };
}

/** What the server told of an `.xz` before sending it: the image's size, and the file's parts it was read from. */
export interface RemoteXzIndex {
  imageSize: number;
  fileSize: number;
  /** The ranges fetched (head and end: stream header, index, footer), as sent. */
  pieces: FetchedRange[];
}

/** The `.xz` at `url` as its index describes it; throws when the server cannot tell (no Range, no xz). */
export async function remoteXzIndex(url: string, request: RangeRequest): Promise<RemoteXzIndex> {
  const reader = rangedReader(url, request);
  const fileSize = await reader.fetchHead();
  const imageSize = await xzUncompressedSize(reader.read, fileSize, path.posix.basename(new URL(url).pathname));
  return { imageSize, fileSize, pieces: reader.held };
}

/** Bytes of the image inside the `.xz` at `url`; throws when the server cannot tell (no Range, no xz). */
export async function remoteXzImageSize(url: string, request: RangeRequest): Promise<number> {
  return (await remoteXzIndex(url, request)).imageSize;
}
