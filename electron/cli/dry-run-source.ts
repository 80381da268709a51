/**
 * `flash --dry-run` of a catalog reference: resolved from the catalog as the real run resolves it
 * (refreshed, falling back to the cached catalog or the shipped snapshot when a source does not
 * answer), so a reference the real run would refuse (an unknown board, a release the catalog does
 * not have) fails the dry run the same way. Only the catalog is asked: no image is downloaded.
 */
import { isCatalogRef, mirrorGapOf, missingBoardError, unreachableMirror, type UnreachableMirror } from '../../shared/domain/catalog';
import { resolveCatalogSource, type CatalogSourceResolution } from '../core/catalog/resolve-source';
import { mirrorRefusedWords } from '../core/net/proxy-refusal';
import type { CatalogService } from '../core/catalog/service';
import type { CliIO } from './io';

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Why the person's own mirror is not where the image would come from, and what to do: a proxy's refusal has its own words. */
function unreachableWords(unreachable: UnreachableMirror, otherHost: string): string {
  if (unreachable.code === 'PROXY_REFUSED') {
    const { refused, letThrough } = mirrorRefusedWords(unreachable.mirror);
    return `${refused}: the image would be asked of ${otherHost} instead. ${letThrough}`;
  }
  return `Your mirror at ${unreachable.mirror} could not be reached, so the image would be downloaded from ${otherHost} instead: ${unreachable.message}.`;
}

function warn(io: CliIO, message: string): void {
  io.warn(`Warning: ${message}`);
  io.emit({ type: 'warning', message });
}

/**
 * The catalog entry a reference names, said in one line, and a warning when the person's mirror
 * lacks it or could not be reached (a dry run that named another site without a word about the
 * mirror hid why a real run would go elsewhere); null for any other source.
 */
export async function resolveForDryRun(source: string, catalog: CatalogService, io: CliIO): Promise<CatalogSourceResolution | null> {
  const noBoard = missingBoardError(source);
  if (noBoard) throw noBoard;
  if (!isCatalogRef(source)) return null;
  const resolved = await resolveCatalogSource(source, catalog);
  io.say(`Image: ${source} is ${resolved.name}, from ${hostOf(resolved.url)}.`);
  const known = await catalog.get();
  const gap = mirrorGapOf(known, resolved.entry);
  if (gap) warn(io, `Your mirror at ${gap.mirror} has no Fedora IoT ${gap.version} for ${gap.arch}: it would be downloaded from ${hostOf(resolved.url)}.`);
  const unreachable = unreachableMirror(known);
  if (unreachable && hostOf(unreachable.mirror) !== hostOf(resolved.url)) warn(io, unreachableWords(unreachable, hostOf(resolved.url)));
  return resolved;
}
