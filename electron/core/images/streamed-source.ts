/**
 * A URL or catalog image not in the cache yet, as a flash source written while it downloads: the
 * `.part` file the download fills, its format, and (for an `.xz` on a server that sends parts of
 * files) its `.xz` index read by two Range requests before anything else, so the cards' size is
 * checked before a byte is written and the writer decodes only the blocks that may hold data. The download itself runs when the flash
 * starts it, verified and kept as any download (fetch-image.ts); the decompressed copy the writer
 * makes on the way becomes the entry's copy (copy-offer.ts).
 */
import type { XzIndexBytes } from '../../../shared/writer-protocol';
import { remoteXzIndex } from '../catalog/remote-xz-size';
import { refuseInternalUrl } from '../access/public-address';
import type { PendingDownload, PreparedSource } from '../image-source';
import { findTool } from '../system-tools';
import type { ImageCache } from './cache/image-cache';
import type { FetchEvents, PlannedDownload } from './fetch-image';
import { downloadCopyOffer } from './copy-offer';
import type { ResolvedSource } from './resolve-source';

/** Two small Range requests: a server that does not answer them soon is streamed without them. */
const INDEX_TIMEOUT_MS = 15_000;

/** What the writer can decode while the file arrives: xz with the system's tool, or a raw image. */
function streamFormat(name: string): PendingDownload['format'] | null {
  if (/\.xz$/i.test(name)) return findTool('xz') ? 'xz' : null;
  return /\.(raw|img)$/i.test(name) ? 'raw' : null;
}

/**
 * The `.xz` index on the server: the image's size, and the bytes it was read from for the writer,
 * which then decodes only the blocks that may hold data. Null when the server cannot tell (no Range).
 */
async function remoteIndex(resolved: ResolvedSource, format: PendingDownload['format'], publicOnly: boolean): Promise<{ imageSize: number; xzIndex: XzIndexBytes } | null> {
  if (format !== 'xz') return null;
  if (publicOnly) await refuseInternalUrl(resolved.url);
  const index = await remoteXzIndex(resolved.url, { timeoutMs: INDEX_TIMEOUT_MS }).catch(() => null);
  if (!index) return null;
  const pieces = index.pieces.map((piece) => ({ offset: piece.offset, bytes: piece.bytes.toString('base64') }));
  return { imageSize: index.imageSize, xzIndex: { fileSize: index.fileSize, pieces } };
}

/** The flash source for a planned download, or null when its format cannot be decoded while it arrives. */
export async function streamedSource(resolved: ResolvedSource, planned: PlannedDownload, cache: ImageCache, events: FetchEvents): Promise<PreparedSource | null> {
  const format = streamFormat(resolved.name);
  if (!format) return null;
  const index = await remoteIndex(resolved, format, events.publicOnly ?? false);
  const download: PendingDownload = {
    format,
    imageSize: index?.imageSize ?? null,
    ...(index ? { xzIndex: index.xzIndex } : {}),
    async run(signal, onBytes) {
      const entry = await planned.run({ ...events, signal, onProgress: (progress) => onBytes(progress.bytes, progress.totalBytes) });
      const { signature, signatureSkipped } = entry.verification;
      return { file: cache.abs(entry.file), bytes: entry.size, sha256: entry.sha256, trust: { signature, signatureSkipped } };
    },
  };
  return { path: planned.partPath, download, cacheCopy: downloadCopyOffer(cache, resolved.name, resolved.sha256 ?? null) };
}
