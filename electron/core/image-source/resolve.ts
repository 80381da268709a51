/**
 * Turning what a person named (a path, a URL, a catalog reference) into a local file the writer
 * can read. Only local files are handled here; the images domain (downloads, cache) and the
 * catalog add resolvers for the rest and hand them to startFlash.
 */
import path from 'node:path';
import { FiotError } from '../../../shared/errors';
import type { SourceTrust } from '../../../shared/domain/images';
import type { ByteRange } from '../image-map';
import type { CacheCopyReport, XzIndexBytes } from '../../../shared/writer-protocol';

export interface PreparedSource {
  /** A local file: raw, or compressed in a format inspectSource knows. */
  path: string;
  /**
   * The ranges of the decompressed image that must be written, when already known (a cached,
   * mapped image). Without it the writer maps the image itself.
   */
  dataRanges?: ByteRange[];
  /**
   * The sha256 the fetched file was already verified against (the image cache checks downloads
   * before keeping them). `path` may then be a decompressed copy whose own hash differs, so
   * preflight compares this instead of hashing `path`.
   */
  verifiedSha256?: string;
  /** How a downloaded image was trusted (its CHECKSUM signature, or the user's skip). */
  trust?: SourceTrust;
  /**
   * sha256 the writer must find over the bytes it writes (a cached raw copy's recorded digest);
   * a difference stops it before the partition table with CACHE_CORRUPT.
   */
  writtenSha256?: string;
  /** Drops a source the writer found damaged (CACHE_CORRUPT) from the cache it came from. */
  discard?: () => Promise<void>;
  /** `path` is a decompressed copy in the image cache: the flash decodes nothing. */
  fromCache?: boolean;
  /** The local file the person named, when `path` is the cache's copy of it: no target may hold it either. */
  origin?: string;
  /** An image the cache has no decompressed copy of yet (a download, a compressed local file): the flash may fill one. */
  cacheCopy?: CacheCopyOffer;
  /**
   * The image is not downloaded yet: `path` is the `.part` file it downloads into, and the flash
   * writes it while it arrives (electron/core/flash/streamed-download.ts).
   */
  download?: PendingDownload;
}

/** A download the flash starts itself and writes from while it happens. */
export interface PendingDownload {
  format: 'xz' | 'raw';
  /** Bytes of the decompressed image, when the server told them beforehand (the `.xz` index by Range requests). */
  imageSize: number | null;
  /** The `.xz` file's head and end as the server sent them, when it sends parts of files: the writer reads the block list from them. */
  xzIndex?: XzIndexBytes;
  /**
   * Downloads, verifies against the expected sha256 and keeps the file in the image cache;
   * `onBytes` says how much of the `.part` file is on disk. Rejects with why it stopped for good
   * (CHECKSUM_MISMATCH: the `.part` is deleted; CANCELLED, NETWORK: it stays for a resume).
   */
  run(signal: AbortSignal, onBytes: (bytes: number, totalBytes: number | null) => void): Promise<{ file: string; bytes: number; sha256: string; trust: SourceTrust }>;
}

/**
 * The image cache's offer to keep what a flash decodes (electron/core/images/copy-offer.ts), so
 * the next flash of the same bytes decodes nothing. The job opens it only for a verified flash by
 * an unprivileged writer, which fills it (electron/writer/cache-copy.ts).
 */
export interface CacheCopyOffer {
  /** A new empty file in the cache, open for writing, and the most it may hold; null when there is no room. */
  open(): Promise<{ fd: number; maxBytes: number } | null>;
  /**
   * After a verified flash: the writer's complete copy becomes a cache entry, under the source's
   * sha256 (the flash's own hash of the file when the offer had none). False when it was not kept.
   */
  keep(report: CacheCopyReport, sourceSha256: string | undefined): Promise<boolean>;
  /** After any other end: the opened file is removed. */
  discard(): Promise<void>;
}

/** What the request expects of the source, so a resolver that downloads can verify before keeping it. */
export interface SourceExpectation {
  sha256?: string;
  insecureSkipSignature?: boolean;
  /**
   * The flash may write a download while it happens (it does for every image not cached yet; the
   * checks that read the image are made by the writer once the bytes are there).
   */
  whileDownloading?: boolean;
}

/** Answers null when the reference is not its kind, so resolvers chain. */
export type SourceResolver = (ref: string, signal?: AbortSignal, expected?: SourceExpectation) => Promise<PreparedSource | null>;

/** `http:`, `fedora-iot:`, ... but not `C:\` (a Windows drive letter is a path). */
export function hasScheme(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]+:/i.test(ref);
}

export const localFileResolver: SourceResolver = async (ref) => (hasScheme(ref) ? null : { path: path.resolve(ref) });

export async function resolveSource(ref: string, resolvers: SourceResolver[] = [localFileResolver], signal?: AbortSignal, expected?: SourceExpectation): Promise<PreparedSource> {
  for (const resolver of resolvers) {
    const prepared = await resolver(ref, signal, expected);
    if (prepared) return prepared;
  }
  throw new FiotError('SOURCE_NOT_FOUND', `“${ref}” is not a file on this computer, and nothing here can fetch it.`, 'Give the path of a downloaded image file, or download it first.');
}
