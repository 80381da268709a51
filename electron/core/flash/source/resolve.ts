/**
 * Turning what a person named (a path, a URL, a catalog reference) into a local file the writer
 * can read. Only local files are handled here; the images domain (downloads, cache) and the
 * catalog add resolvers for the rest and hand them to startFlash.
 */
import path from 'node:path';
import { FiotError } from '../../../../shared/errors';
import type { ByteRange } from '../../image-map';

export interface PreparedSource {
  /** A local file: raw, or compressed in a format inspectSource knows. */
  path: string;
  /**
   * The ranges of the decompressed image that must be written, when already known (a cached,
   * mapped image). Without it the writer maps the image itself.
   */
  dataRanges?: ByteRange[];
}

/** Answers null when the reference is not its kind, so resolvers chain. */
export type SourceResolver = (ref: string, signal?: AbortSignal) => Promise<PreparedSource | null>;

/** `http:`, `fedora-iot:`, ... but not `C:\` (a Windows drive letter is a path). */
function hasScheme(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]+:/i.test(ref);
}

export const localFileResolver: SourceResolver = async (ref) => (hasScheme(ref) ? null : { path: path.resolve(ref) });

export async function resolveSource(ref: string, resolvers: SourceResolver[] = [localFileResolver], signal?: AbortSignal): Promise<PreparedSource> {
  for (const resolver of resolvers) {
    const prepared = await resolver(ref, signal);
    if (prepared) return prepared;
  }
  throw new FiotError('SOURCE_NOT_FOUND', `“${ref}” is not a file on this computer, and nothing here can fetch it.`, 'Give the path of a downloaded image file, or download it first.');
}
