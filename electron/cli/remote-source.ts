/**
 * `flash` and `bench` of an http(s) URL or a catalog reference from the terminal. A cached image is
 * said verified before the question. One not cached yet is written while it downloads: the bench
 * checks it first as far as that needs no download (`checkRemoteSource`), and how the download was
 * verified is said once the job has it (`reportDownloadVerification`).
 */
import type { SourceExpectation } from '../core/image-source';
import { ImageService } from '../core/images/image-service';
import { createImageProgress, verificationLine } from './image-progress';
import type { CliIO } from './io';
import type { CacheEntry } from '../../shared/domain/images';

/** Null for local files; for URLs and catalog references, the cached image's size and path. */
export async function prepareRemoteSource(images: ImageService, source: string, expected: SourceExpectation, io: CliIO, signal?: AbortSignal): Promise<{ size: number; path: string } | null> {
  if (!ImageService.handles(source)) return null;
  const view = createImageProgress(io);
  try {
    const prepared = await images.prepareSource(source, { ...expected, signal, onProgress: view.update });
    view.finish();
    sayVerification(prepared.entry, io);
    return { size: prepared.size, path: prepared.path };
  } finally {
    view.finish();
  }
}

function sayVerification(entry: CacheEntry, io: CliIO): void {
  io.say(verificationLine(entry));
  for (const note of entry.verification.notes) io.warn(`Note: ${note}`);
}

/**
 * After a flash written while its image downloaded: how the download was verified, as a cached
 * image's is said before; null when the cache has no such entry (nothing was said).
 */
export async function reportDownloadVerification(images: ImageService, sha256: string | undefined, io: CliIO): Promise<CacheEntry | null> {
  const entry = sha256 ? await images.cache.find(sha256) : null;
  if (entry) sayVerification(entry, io);
  return entry;
}

/**
 * A URL or catalog image not cached yet, checked as far as that needs no download (the catalog
 * entry, the signed CHECKSUM, the server answering), with the resolving step shown as a download's
 * is; null for a local file or a cached image.
 */
export async function checkRemoteSource(images: ImageService, source: string, expected: SourceExpectation, io: CliIO): Promise<{ name: string; bytes: number | null } | null> {
  if (!ImageService.handles(source)) return null;
  const view = createImageProgress(io);
  try {
    return await images.checkBeforeDownload(source, { ...expected, onProgress: view.update });
  } finally {
    view.finish();
  }
}
