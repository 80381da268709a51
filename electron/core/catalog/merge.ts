/**
 * Builds the catalog from what each source last said. A source that has never answered is
 * represented by the snapshot entries it owns. Raw images found by both the release index and the
 * CHECKSUM files are merged (one fills the other's gaps), and for each release and architecture only
 * the newest compose is kept: older composes disappear from the mirrors.
 */
import { compareEntries, type Catalog, type CatalogEntry, type SourceStatus } from '../../../shared/domain/catalog';
import type { CatalogSource } from './source';
import type { CachedSource } from './cache-store';
import type { Snapshot } from './assets';

/**
 * The same file from two sources. Its address is the one of the folder whose CHECKSUM listed it:
 * that is the images tree the person configured (FIOT_IOT_IMAGES_URL, perhaps their own mirror), while
 * the release index and the snapshot always name Fedora's servers, which may be out of reach.
 */
function mergeSameFile(a: CatalogEntry, b: CatalogEntry): CatalogEntry {
  // The source goes with the address: the entry is offered by whoever serves the file it names.
  const [url, source] = b.source === 'checksums' && b.url ? [b.url, b.source] : [a.url, a.source];
  return { ...a, url, source, sha256: a.sha256 ?? b.sha256, size: a.size ?? b.size, imageSize: a.imageSize ?? b.imageSize, date: a.date ?? b.date };
}

function newestRawImages(entries: CatalogEntry[]): CatalogEntry[] {
  const byId = new Map<string, CatalogEntry>();
  for (const entry of entries) {
    const seen = byId.get(entry.id);
    byId.set(entry.id, seen ? mergeSameFile(seen, entry) : entry);
  }
  const newest = new Map<string, CatalogEntry>();
  for (const entry of byId.values()) {
    const key = `${entry.variant}|${entry.version}|${entry.architectures.join(',')}`;
    const kept = newest.get(key);
    // Compose ids sort by date then respin, so the id (file name) orders composes of one release.
    if (!kept || entry.id.localeCompare(kept.id, 'en', { numeric: true }) > 0) newest.set(key, entry);
  }
  return [...newest.values()];
}

/** A source that answered without a date or size keeps the snapshot's (never "date unknown" when the app knows). */
function fillFromSnapshot(entries: CatalogEntry[], snapshot: Snapshot): CatalogEntry[] {
  const shipped = new Map(snapshot.entries.map((e) => [e.id, e]));
  return entries.map((entry) => {
    const same = shipped.get(entry.id);
    return same ? mergeSameFile(entry, same) : entry;
  });
}

export function buildCatalog(
  origin: Catalog['origin'],
  snapshot: Snapshot,
  sources: CatalogSource[],
  cached: Record<string, CachedSource>,
  updatedAt: string | null,
): Catalog {
  const entries: CatalogEntry[] = [];
  const statuses: SourceStatus[] = [];
  for (const source of sources) {
    const known = cached[source.id];
    entries.push(...(known?.state ? known.state.entries : snapshot.entries.filter((e) => source.owns(e))));
    const address = source.address ? { address: source.address } : {};
    statuses.push({
      ...(known?.status ?? {
        id: source.id,
        state: 'stale',
        message: `not refreshed yet: showing the snapshot of ${snapshot.snapshotDate}`,
        checkedAt: null,
        entries: snapshot.entries.filter((e) => source.owns(e)).length,
      }),
      ...address,
    });
  }
  const known = fillFromSnapshot(entries, snapshot);
  const raw = newestRawImages(known.filter((e) => e.kind === 'raw-image'));
  const containers = [...new Map(known.filter((e) => e.kind !== 'raw-image').map((e) => [e.id, e])).values()];
  return {
    origin,
    snapshotDate: snapshot.snapshotDate,
    updatedAt,
    entries: [...raw, ...containers].sort(compareEntries),
    sources: statuses,
  };
}
