/**
 * Catalog references (`fedora-iot:42@rpi4`) as download sources: what the image service calls
 * before fetching, for the CLI, the station and the app alike.
 */
import type { Board } from '../../../shared/domain/board';
import { mirrorGapOf, parseCatalogRef, resolveCatalogRef, type CatalogEntry, type MirrorGap } from '../../../shared/domain/catalog';
import type { CatalogService } from './service';

export interface CatalogSourceResolution {
  url: string;
  sha256?: string;
  /** Bytes of the file to download (compressed), when the catalog knows it. */
  size?: number;
  /** The file name, for the cache and for messages. */
  name: string;
  entry: CatalogEntry;
  /** The board named by the reference (absent when it named an architecture). */
  board?: Board;
}

/**
 * Resolves a reference against a fresh catalog (refreshing first unless `offline`; a source that
 * cannot be reached leaves its cached or snapshot entries in place, so this works offline too).
 */
export async function resolveCatalogSource(ref: string, catalogService: Pick<CatalogService, 'get' | 'refresh' | 'boards'>, options: { offline?: boolean } = {}): Promise<CatalogSourceResolution> {
  const parsed = parseCatalogRef(ref);
  const catalog = await (options.offline ? catalogService.get() : catalogService.refresh());
  const boards = catalogService.boards();
  const entry = resolveCatalogRef(catalog, boards, parsed);
  const url = entry.url ?? '';
  const board = boards.find((b) => b.id === parsed.board);
  return {
    url,
    name: decodeURIComponent(url.slice(url.lastIndexOf('/') + 1)),
    entry,
    ...(entry.sha256 ? { sha256: entry.sha256 } : {}),
    ...(entry.size !== null ? { size: entry.size } : {}),
    ...(board ? { board } : {}),
  };
}

/**
 * For an image URL the catalog lists (a catalog reference resolved, or an entry the app picked):
 * the gap when the person's own mirror answered without it. Read from the catalog as known now.
 */
export async function mirrorGapOfUrl(url: string, catalogService: Pick<CatalogService, 'get'>): Promise<MirrorGap | null> {
  const catalog = await catalogService.get();
  const entry = catalog.entries.find((e) => e.url === url);
  return entry ? mirrorGapOf(catalog, entry) : null;
}
