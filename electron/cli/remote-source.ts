/**
 * `flash` of an http(s) URL or a catalog reference from the terminal: the image is fetched into the
 * cache (verified, decompressed once) with its own progress before the drives are checked, so the
 * size check and the confirmation see the real image, and a second flash downloads nothing.
 */
import { loadConfig } from '../core/config';
import { localFileResolver, type SourceExpectation, type SourceResolver } from '../core/flash/source';
import { imageServiceFor } from '../core/handlers/images';
import { ImageService } from '../core/images/image-service';
import { EventBus } from '../core/router';
import { createImageProgress, verificationLine } from './image-progress';
import type { CliIO } from './io';

let service: ImageService | null = null;

function images(): ImageService {
  service ??= imageServiceFor({ config: loadConfig(), events: new EventBus() });
  return service;
}

/** Null for local files; for URLs and catalog references, the cached image's size and path. */
export async function prepareRemoteSource(source: string, expected: SourceExpectation, io: CliIO, signal?: AbortSignal): Promise<{ size: number; path: string } | null> {
  if (!ImageService.handles(source)) return null;
  const view = createImageProgress(io);
  try {
    const prepared = await images().prepareSource(source, { ...expected, signal, onProgress: view.update });
    view.finish();
    io.say(verificationLine(prepared.entry));
    for (const note of prepared.entry.verification.notes) io.warn(`Note: ${note}`);
    return { size: prepared.size, path: prepared.path };
  } finally {
    view.finish();
  }
}

/** What startFlash resolves sources with: the image cache first, then local files. */
export function flashResolvers(): SourceResolver[] {
  return [images().resolver(), localFileResolver];
}
