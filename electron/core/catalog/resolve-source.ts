/**
 * Catalog references (`fedora-iot:42@rpi4`) as download sources: what `flash` and `download` call
 * before fetching. Goes through the router like any other client, so the CLI, the station and the
 * app resolve a reference the same way.
 */
import type { Board } from '../../../shared/domain/board';
import { parseCatalogRef, resolveCatalogRef, type CatalogEntry } from '../../../shared/domain/catalog';
import { FiotError } from '../../../shared/errors';
import type { Catalog } from '../../../shared/domain/catalog';
import type { Router } from '../router';

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

async function ask<T>(router: Pick<Router, 'handle'>, channel: string): Promise<T> {
  const answer = await router.handle(channel, {});
  if (!answer.ok) throw FiotError.from(answer.error);
  return answer.value as T;
}

/**
 * Resolves a reference against a fresh catalog (refreshing first unless `offline`; a source that
 * cannot be reached leaves its cached or snapshot entries in place, so this works offline too).
 */
export async function resolveCatalogSource(ref: string, core: { router: Pick<Router, 'handle'> }, options: { offline?: boolean } = {}): Promise<CatalogSourceResolution> {
  const parsed = parseCatalogRef(ref);
  const catalog = await ask<Catalog>(core.router, options.offline ? 'catalog:get' : 'catalog:refresh');
  const { boards } = await ask<{ boards: Board[] }>(core.router, 'boards:list');
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
