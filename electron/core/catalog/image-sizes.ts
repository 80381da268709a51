/**
 * The unpacked size of each raw image ("6.4 GB on the card"), by catalog entry id. Learned once per
 * published file (a file name never changes its bytes) from the xz index on the server, kept in the
 * catalog's cache so offline still shows it, and taken from the image cache where the image has
 * been downloaded and decompressed. Never guessed: an entry nobody could measure stays null.
 */
import type { CatalogEntry } from '../../../shared/domain/catalog';
import { readIndex } from '../images/cache/cache-index';
import { fetchWithTimeout, type FetchLike } from './http';
import { remoteXzImageSize } from './remote-xz-size';

export type ImageSizes = Record<string, number>;

/** Servers asked at once: a handful of raw images, without opening a connection to each at once. */
const PROBE_CONCURRENCY = 3;

export interface ProbeRequest {
  timeoutMs: number;
  fetchImpl?: FetchLike;
}

/** Raw `.xz` entries with a URL whose size is not yet known. */
function needsProbe(entry: CatalogEntry, known: ImageSizes): entry is CatalogEntry & { url: string } {
  return entry.kind === 'raw-image' && entry.imageSize === null && known[entry.id] === undefined && /\.xz$/i.test(entry.url ?? '');
}

/** Raw entries with a URL whose download size is not known (a CHECKSUM file, as a mirror's, does not carry sizes). */
function needsFileSize(entry: CatalogEntry, known: ImageSizes): entry is CatalogEntry & { url: string } {
  return entry.kind === 'raw-image' && entry.size === null && known[entry.id] === undefined && entry.url !== undefined;
}

/** Measures each queued entry, a few at a time; one that fails is left out (asked again next refresh). */
async function measureEach(queue: Array<CatalogEntry & { url: string }>, measure: (url: string) => Promise<number>): Promise<ImageSizes> {
  const sizes: ImageSizes = {};
  const worker = async () => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      try {
        sizes[entry.id] = await measure(entry.url);
      } catch {
        // Stays unknown: the entry is shown without it, and the next refresh asks again.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PROBE_CONCURRENCY, queue.length) }, worker));
  return sizes;
}

/**
 * Reads from their servers the sizes of the raw `.xz` images among `entries` not in `known`, a few
 * at a time. A server that fails, times out or ignores Range leaves its entry out: a missing size
 * never fails a refresh.
 */
export function probeImageSizes(entries: CatalogEntry[], known: ImageSizes, request: ProbeRequest): Promise<ImageSizes> {
  return measureEach(entries.filter((entry) => needsProbe(entry, known)), (url) => remoteXzImageSize(url, request));
}

/** The download sizes (Content-Length of a HEAD request) of raw images whose source gave none. */
export function probeFileSizes(entries: CatalogEntry[], known: ImageSizes, request: ProbeRequest): Promise<ImageSizes> {
  return measureEach(entries.filter((entry) => needsFileSize(entry, known)), async (url) => {
    const response = await fetchWithTimeout(url, { method: 'HEAD' }, request.timeoutMs, request.fetchImpl);
    const length = Number(response.headers.get('content-length'));
    if (response.status !== 200 || !Number.isSafeInteger(length) || length <= 0) throw new Error(`${url}: no length (HTTP ${response.status})`);
    return length;
  });
}

/**
 * Sizes of the raw copies in the image cache (cacheDir's index), for the catalog entries they were
 * downloaded from: the same sha256, or the entry's URL among the sources it was fetched as.
 */
export async function cachedImageSizes(cacheDir: string, entries: CatalogEntry[]): Promise<ImageSizes> {
  const cached = (await readIndex(cacheDir).catch(() => [])).filter((c) => c.raw !== null);
  const sizes: ImageSizes = {};
  for (const entry of entries) {
    const copy = cached.find((c) => c.sha256 === entry.sha256 || (entry.url !== undefined && c.sources.includes(entry.url)));
    if (copy?.raw) sizes[entry.id] = copy.raw.size;
  }
  return sizes;
}

/** Only the sizes of entries still listed, so the catalog's cache does not grow with old composes. */
export function sizesOfListed(sizes: ImageSizes, entries: CatalogEntry[]): ImageSizes {
  const kept: ImageSizes = {};
  for (const { id } of entries) if (sizes[id] !== undefined) kept[id] = sizes[id];
  return kept;
}

/** The entries with every download size known filled in, where their source gave none (raw images only). */
export function withFileSizes(entries: CatalogEntry[], sizes: ImageSizes): CatalogEntry[] {
  return entries.map((entry) => {
    const size = sizes[entry.id];
    return entry.kind === 'raw-image' && entry.size === null && size !== undefined ? { ...entry, size } : entry;
  });
}

/** The entries with every size known filled in (raw images only). */
export function withImageSizes(entries: CatalogEntry[], sizes: ImageSizes): CatalogEntry[] {
  return entries.map((entry) => {
    const size = sizes[entry.id];
    return entry.kind === 'raw-image' && entry.imageSize === null && size !== undefined ? { ...entry, imageSize: size } : entry;
  });
}
