/**
 * `flash --dry-run` of a catalog reference: resolved from the catalog as the real run resolves it
 * (refreshed, falling back to the cached catalog or the shipped snapshot when a source does not
 * answer), so a reference the real run would refuse (an unknown board, a release the catalog does
 * not have) fails the dry run the same way. Only the catalog is asked: no image is downloaded.
 */
import { isCatalogRef, mirrorGapOf, missingBoardError } from '../../shared/domain/catalog';
import { resolveCatalogSource, type CatalogSourceResolution } from '../core/catalog/resolve-source';
import type { CatalogService } from '../core/catalog/service';
import type { CliIO } from './io';

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The catalog entry a reference names, said in one line (and a warning when the person's mirror lacks it); null for any other source. */
export async function resolveForDryRun(source: string, catalog: CatalogService, io: CliIO): Promise<CatalogSourceResolution | null> {
  const noBoard = missingBoardError(source);
  if (noBoard) throw noBoard;
  if (!isCatalogRef(source)) return null;
  const resolved = await resolveCatalogSource(source, catalog);
  io.say(`Image: ${source} is ${resolved.name}, from ${hostOf(resolved.url)}.`);
  const gap = mirrorGapOf(await catalog.get(), resolved.entry);
  if (gap) {
    const message = `Your mirror at ${gap.mirror} has no Fedora IoT ${gap.version} for ${gap.arch}: it would be downloaded from ${hostOf(resolved.url)}.`;
    io.warn(`Warning: ${message}`);
    io.emit({ type: 'warning', message });
  }
  return resolved;
}
