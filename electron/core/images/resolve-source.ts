/**
 * Turns what the user typed (an http(s) URL or a catalog reference such as fedora-iot:42@rpi4) into
 * what to download and what to check it against. Catalog references go through the catalog
 * domain's resolver, handed in so this module does not depend on how the catalog is built.
 */
import { isCatalogRef, missingBoardError, type MirrorGap, type UnreachableMirror } from '../../../shared/domain/catalog';
import { FiotError } from '../../../shared/errors';
import { fileNameOf } from './verify/checksum-file';

export interface CatalogResolution {
  url: string;
  sha256?: string | null;
  size?: number | null;
  name: string;
}

export type ResolveCatalogRef = (ref: string) => Promise<CatalogResolution>;

export interface ResolvedSource {
  /** The string the user gave: cache entries remember it so the same request is answered locally. */
  source: string;
  url: string;
  name: string;
  sha256?: string;
  expectedFrom?: 'catalog' | 'user';
  size?: number;
  /** A catalog image the person's own mirror answered without: a failure to reach its other server says so first. */
  mirrorGap?: MirrorGap;
  /** The person's own mirror when the catalog could not reach it: a refusal of the other server names the mirror first. */
  unreachableMirror?: UnreachableMirror;
}

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

export async function resolveSource(source: string, userSha256: string | undefined, resolveRef: ResolveCatalogRef | undefined): Promise<ResolvedSource> {
  const sha256 = userSha256?.toLowerCase();
  if (isUrl(source)) {
    return { source, url: source, name: fileNameOf(source), ...(sha256 ? { sha256, expectedFrom: 'user' as const } : {}) };
  }
  if (isCatalogRef(source)) {
    if (!resolveRef) throw new FiotError('NOT_FOUND', `Catalog references like “${source}” cannot be resolved here.`);
    const found = await resolveRef(source);
    const catalogSha = found.sha256?.toLowerCase();
    return {
      source,
      url: found.url,
      name: found.name || fileNameOf(found.url),
      ...(found.size ? { size: found.size } : {}),
      // A --sha256 the user typed wins over the catalog's: it is the stricter, explicit promise.
      ...(sha256 ? { sha256, expectedFrom: 'user' as const } : catalogSha ? { sha256: catalogSha, expectedFrom: 'catalog' as const } : {}),
    };
  }
  throw missingBoardError(source) ?? new FiotError('INVALID_INPUT', `“${source}” is neither an http(s) URL nor a catalog reference such as fedora-iot:42@rpi4.`);
}
