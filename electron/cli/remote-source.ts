/**
 * `flash` of an http(s) URL or a catalog reference from the terminal: the image is fetched into the
 * cache (verified; its first verified flash keeps the decompressed copy) with its own progress before the drives are checked, so the
 * size check and the confirmation see the real image, and a second flash downloads nothing.
 */
import type { SourceExpectation } from '../core/image-source';
import { ImageService } from '../core/images/image-service';
import { createImageProgress, verificationLine } from './image-progress';
import type { CliIO } from './io';

/** Null for local files; for URLs and catalog references, the cached image's size and path. */
export async function prepareRemoteSource(images: ImageService, source: string, expected: SourceExpectation, io: CliIO, signal?: AbortSignal): Promise<{ size: number; path: string } | null> {
  if (!ImageService.handles(source)) return null;
  const view = createImageProgress(io);
  try {
    const prepared = await images.prepareSource(source, { ...expected, signal, onProgress: view.update });
    view.finish();
    io.say(verificationLine(prepared.entry));
    for (const note of prepared.entry.verification.notes) io.warn(`Note: ${note}`);
    return { size: prepared.size, path: prepared.path };
  } finally {
    view.finish();
  }
}
