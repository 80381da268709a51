/**
 * The images domain as other parts call it:
 *   - `fetch(source, opts)`: the cached, verified image for a URL or catalog reference (downloads it once).
 *   - `prepareSource(source, opts)`: what the flash pipeline writes: the sparse raw copy and its
 *     map's data ranges for a cached image (decompressed once, on the first flash).
 *   - `resolver(opts)`: the same as a flash SourceResolver (electron/core/image-source/resolve.ts).
 *   - `afterWrite(source)`: drops an entry marked "remove after writing" once a flash from it ended.
 *   - `cache`: list / remove / prune.
 */
import path from 'node:path';
import { isDownloaded, type CacheEntry, type DownloadedEntry } from '../../../shared/domain/images';
import { FiotError } from '../../../shared/errors';
import type { AppConfig } from '../config';
import { mapImage } from '../image-map';
import type { PreparedSource, SourceResolver } from '../image-source';
import { ImageCache } from './cache/image-cache';
import type { DownloadProgress } from './download/download';
import { directOnly, fedoraMirrors, type MirrorSource } from './download/mirrors';
import { fetchImage } from './fetch-image';
import { ensureRawCopy, readMapFile, type MapImage } from './raw-copy';
import { localCopyResolver } from './local-copy';
import { isCatalogRef } from '../../../shared/domain/catalog';
import { isUrl, resolveSource, type ResolveCatalogRef } from './resolve-source';
import { loadTrustedKeys, shippedKeysDir } from './verify/trusted-keys';

export type ImageStep = 'resolving' | 'waiting' | 'downloading' | 'verifying' | 'decompressing' | 'mapping';

export interface StepProgress {
  step: ImageStep;
  bytes: number;
  totalBytes: number | null;
  speed: number;
  etaSeconds: number | null;
}

export interface FetchOptions {
  sha256?: string;
  signal?: AbortSignal;
  onProgress?: (progress: StepProgress) => void;
  removeAfterWrite?: boolean;
  /** Accept a Fedora image whose CHECKSUM signature is missing or wrong (recorded in the entry). */
  insecureSkipSignature?: boolean;
  /** For a station client's URL: fetched only from public addresses (access/public-address.ts). */
  publicOnly?: boolean;
}

export interface ImageServiceDeps {
  cacheDir: string;
  /** Folders of trusted OpenPGP keys (default: assets/keys and <configDir>/keys). */
  keyDirs: string[];
  limitBytes?: number | null;
  mirrors?: MirrorSource;
  resolveRef?: ResolveCatalogRef;
  /** image-map's mapImage; without it cached images are flashed whole. */
  mapImage?: MapImage;
  checksumUrl?: (imageUrl: string) => string | null;
  attemptsPerUrl?: number;
  backoffMs?: number;
}

export interface PreparedImage extends PreparedSource {
  entry: CacheEntry;
  /** Bytes of the image the flash reads (the raw copy's size, or the downloaded file's). */
  size: number;
}

export class ImageService {
  readonly cache: ImageCache;

  constructor(private readonly deps: ImageServiceDeps) {
    this.cache = new ImageCache(deps.cacheDir, deps.limitBytes ?? null);
  }

  /** True for what this service fetches (URLs and catalog references), false for local paths. */
  static handles(source: string): boolean {
    return isUrl(source) || isCatalogRef(source);
  }

  async fetch(source: string, options: FetchOptions = {}): Promise<DownloadedEntry> {
    const report = (step: ImageStep, p?: Partial<StepProgress>) =>
      options.onProgress?.({ step, bytes: 0, totalBytes: null, speed: 0, etaSeconds: null, ...p });
    report('resolving');
    const resolved = await resolveSource(source, options.sha256, this.deps.resolveRef);
    return fetchImage(resolved, {
      cache: this.cache,
      mirrors: this.deps.mirrors ?? directOnly,
      trustedKeys: () => loadTrustedKeys(this.deps.keyDirs),
      checksumUrl: this.deps.checksumUrl,
      attemptsPerUrl: this.deps.attemptsPerUrl,
      backoffMs: this.deps.backoffMs,
    }, {
      signal: options.signal,
      removeAfterWrite: options.removeAfterWrite,
      insecureSkipSignature: options.insecureSkipSignature,
      publicOnly: options.publicOnly,
      onPhase: (phase) => report(phase),
      onProgress: (p: DownloadProgress) => report('downloading', p),
    });
  }

  async prepareSource(source: string, options: FetchOptions = {}): Promise<PreparedImage & { entry: DownloadedEntry }> {
    const fetched = await this.fetch(source, options);
    const prepared = await this.prepareEntry(fetched, options);
    return { ...prepared, entry: { ...prepared.entry, file: fetched.file } };
  }

  private async prepareEntry(fetched: CacheEntry, options: FetchOptions): Promise<PreparedImage> {
    const { mapImage } = this.deps;
    if (!isDownloaded(fetched)) return this.preparedCopy(fetched);
    if (!mapImage) return { path: this.cache.abs(fetched.file), entry: fetched, size: fetched.size };
    return this.preparedCopy(await ensureRawCopy(this.cache, fetched, mapImage, {
      signal: options.signal,
      onPhase: (step) => options.onProgress?.({ step, bytes: 0, totalBytes: null, speed: 0, etaSeconds: null }),
      onBytes: (bytes, totalBytes) => options.onProgress?.({ step: 'decompressing', bytes, totalBytes, speed: 0, etaSeconds: null }),
    }));
  }

  /** An entry's decompressed copy as a flash reads it: its data ranges, and the digest the writer must reproduce. */
  private async preparedCopy(entry: CacheEntry): Promise<PreparedImage> {
    const { raw } = entry;
    if (!raw) throw new FiotError('NOT_FOUND', `${entry.name} has no decompressed copy in the cache.`);
    const map = await readMapFile(this.cache, entry);
    return { path: this.cache.abs(raw.file), entry, size: raw.size, writtenSha256: raw.dataSha256, ...(map ? { dataRanges: map.dataRanges } : {}) };
  }

  /** What the flash pipeline reads for a prepared entry; a copy that fails the writer's check is dropped. */
  private flashSource(prepared: PreparedImage): PreparedSource {
    const { entry } = prepared;
    return {
      path: prepared.path,
      verifiedSha256: entry.sha256,
      ...(prepared.writtenSha256 ? { writtenSha256: prepared.writtenSha256, fromCache: true } : {}),
      ...(prepared.dataRanges ? { dataRanges: prepared.dataRanges } : {}),
      discard: async () => void (await this.cache.remove(entry.sha256).catch(() => [])),
    };
  }

  /**
   * A flash SourceResolver (electron/core/image-source/resolve.ts) for URLs, catalog references and
   * the cache's own decompressed copies (the app flashes the path a download handed back); other
   * local paths fall through (null). The request's sha256 is checked before anything is cached.
   */
  resolver(options: Omit<FetchOptions, 'signal' | 'sha256'> = {}): SourceResolver {
    return async (ref, signal, expected) => {
      const fetchOptions = { ...options, signal, insecureSkipSignature: expected?.insecureSkipSignature, ...(expected?.sha256 ? { sha256: expected.sha256 } : {}) };
      const cached = ImageService.handles(ref) ? await this.fetch(ref, fetchOptions) : await this.rawCopyAt(ref);
      if (!cached) return null;
      const prepared = await this.prepareEntry(cached, fetchOptions);
      const { verification } = prepared.entry;
      return { ...this.flashSource(prepared), trust: { signature: verification.signature, signatureSkipped: verification.signatureSkipped } };
    };
  }

  /**
   * Local files as `local` (what the front end may name) resolves them, with the cache in front of
   * a compressed one: the decompressed copy of the same bytes when the cache has it, else an offer
   * to keep the copy the flash makes (electron/core/images/local-copy.ts).
   */
  localResolver(local: SourceResolver): SourceResolver {
    return localCopyResolver(local, this.cache, async (entry) => {
      await this.cache.touch(entry.sha256);
      return this.flashSource(await this.preparedCopy(entry));
    });
  }

  /** The entry whose decompressed copy is the file at this path, if any. */
  private async rawCopyAt(file: string): Promise<CacheEntry | null> {
    const entries = await this.cache.list();
    return entries.find((e) => e.raw && this.cache.abs(e.raw.file) === path.resolve(file)) ?? null;
  }

  /**
   * Call when a flash has ended: the entry it was written from (named by the flash's source, a URL,
   * catalog reference or cached file path) goes if it was marked "remove after writing".
   */
  async afterWrite(source: string): Promise<void> {
    const entries = await this.cache.list();
    const used = entries.find((e) => e.sources.includes(source) || [e.file, e.raw?.file].some((f) => f && this.cache.abs(f) === path.resolve(source)));
    if (used?.removeAfterWrite) await this.cache.remove(used.sha256);
  }
}

/** Decimal, as the app prints sizes (shared/format-size.ts): a limit of 20 reads back as "20 GB". */
const GB = 1e9;

/** The service as the app configures it: FIOT_CACHE_DIR, keys in assets/keys and <configDir>/keys. */
export function imageServiceFromConfig(config: AppConfig, extra: Partial<ImageServiceDeps> = {}): ImageService {
  return new ImageService({
    cacheDir: config.cacheDir,
    keyDirs: [shippedKeysDir(), path.join(config.configDir, 'keys')],
    limitBytes: cacheLimitFromEnv(),
    mirrors: fedoraMirrors(),
    mapImage,
    ...extra,
  });
}

/** FIOT_CACHE_LIMIT_GB (default 20 GB; 0 or "none" for no limit). */
function cacheLimitFromEnv(env: NodeJS.ProcessEnv = process.env): number | null {
  const value = env.FIOT_CACHE_LIMIT_GB;
  if (value === undefined || value === '') return 20 * GB;
  if (value === 'none' || value === '0') return null;
  const gb = Number(value);
  return Number.isFinite(gb) && gb > 0 ? Math.round(gb * GB) : 20 * GB;
}
