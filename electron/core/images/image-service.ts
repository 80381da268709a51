/**
 * The images domain as other parts call it:
 *   - `fetch(source, opts)`: the cached, verified image for a URL or catalog reference (downloads it once).
 *   - `checkBeforeDownload(source, opts)`: what a download started later can be checked for now, downloading nothing.
 *   - `prepareSource(source, opts)`: the cached image a flash of it reads: the decompressed copy
 *     the writer made on its first verified flash, else the downloaded file itself.
 *   - `resolver(opts)`: the same as a flash SourceResolver (electron/core/image-source/resolve.ts).
 *   - `afterWrite(source)`: drops an entry marked "remove after writing" once a flash from it ended.
 *   - `cache`: list / remove / prune.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isDownloaded, trustedCopy, type CacheEntry, type DownloadedEntry } from '../../../shared/domain/images';
import { FiotError } from '../../../shared/errors';
import type { AppConfig } from '../config';
import { inspectSource, type PreparedSource, type SourceResolver } from '../image-source';
import { readMapFile } from './cache/copy-files';
import { ImageCache } from './cache/image-cache';
import { CopyOffer } from './copy-offer';
import type { DownloadProgress } from './download/download';
import { directOnly, fedoraMirrors, type MirrorSource } from './download/mirrors';
import { probeImage } from './download/probe';
import { fetchImage, lookupEntry, planFetch, tellMirrorGap, type FetchDeps, type FetchEvents } from './fetch-image';
import { streamedSource } from './streamed-source';
import { localCopyResolver } from './local-copy';
import { isCatalogRef, type MirrorGap, type UnreachableMirror } from '../../../shared/domain/catalog';
import { isUrl, resolveSource, type ResolveCatalogRef, type ResolvedSource } from './resolve-source';
import { sha256OfImage } from './verify/sha256';
import { loadTrustedKeys, shippedKeysDir, type TrustedKeys } from './verify/trusted-keys';

export type ImageStep = 'resolving' | 'waiting' | 'downloading' | 'verifying';

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
  /** What the catalog knows of an image URL its person's own mirror lacks (electron/core/services.ts asks the catalog). */
  mirrorGapOf?: (url: string) => Promise<MirrorGap | null>;
  /** The person's own mirror when the catalog's last refresh could not reach it (services.ts asks the catalog). */
  unreachableMirror?: () => Promise<UnreachableMirror | null>;
  checksumUrl?: (imageUrl: string) => string | null;
  attemptsPerUrl?: number;
  backoffMs?: number;
}

export interface PreparedImage extends PreparedSource {
  entry: CacheEntry;
  /** Bytes of the image the flash writes from (the decompressed image's size). */
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

  /** The keys a CHECKSUM signature may come from (Fedora's shipped keys and the user's own). */
  trustedKeys(): Promise<TrustedKeys> {
    return loadTrustedKeys(this.deps.keyDirs);
  }

  async fetch(source: string, options: FetchOptions = {}): Promise<DownloadedEntry> {
    options.onProgress?.({ step: 'resolving', bytes: 0, totalBytes: null, speed: 0, etaSeconds: null });
    const resolved = await this.resolve(source, options.sha256);
    return fetchImage(resolved, this.fetchDeps(), this.fetchEvents(options));
  }

  /** What to download for `source`, with what the catalog knows of a gap in the person's mirror. */
  private async resolve(source: string, sha256: string | undefined): Promise<ResolvedSource> {
    const resolved = await resolveSource(source, sha256, this.deps.resolveRef);
    const gap = await this.deps.mirrorGapOf?.(resolved.url).catch(() => null);
    const unreachable = await this.deps.unreachableMirror?.().catch(() => null);
    return { ...resolved, ...(gap ? { mirrorGap: gap } : {}), ...(unreachable ? { unreachableMirror: unreachable } : {}) };
  }

  private fetchDeps(): FetchDeps {
    return {
      cache: this.cache,
      mirrors: this.deps.mirrors ?? directOnly,
      trustedKeys: () => this.trustedKeys(),
      checksumUrl: this.deps.checksumUrl,
      attemptsPerUrl: this.deps.attemptsPerUrl,
      backoffMs: this.deps.backoffMs,
    };
  }

  private fetchEvents(options: FetchOptions): FetchEvents {
    const report = (step: ImageStep, p?: Partial<StepProgress>) =>
      options.onProgress?.({ step, bytes: 0, totalBytes: null, speed: 0, etaSeconds: null, ...p });
    return {
      signal: options.signal,
      removeAfterWrite: options.removeAfterWrite,
      insecureSkipSignature: options.insecureSkipSignature,
      publicOnly: options.publicOnly,
      onPhase: (phase) => report(phase),
      onProgress: (p: DownloadProgress) => report('downloading', p),
    };
  }

  /**
   * True when `source` (a URL or catalog reference) has to be downloaded still, so a flash of it
   * is written while it downloads. Asks the catalog, never the image's server.
   */
  async needsDownload(source: string, sha256?: string): Promise<boolean> {
    if (!ImageService.handles(source)) return false;
    const resolved = await resolveSource(source, sha256, this.deps.resolveRef);
    return (await lookupEntry(resolved, this.cache)) === null;
  }

  /**
   * For a front end that starts flashes written while `source` downloads later (the CLI's card
   * bench): what can be checked before the download, in the words the download would fail with:
   * the reference resolved, the CHECKSUM fetched and trusted, the image's server answering. Null
   * when the image is cached already (a flash of it downloads nothing).
   */
  async checkBeforeDownload(source: string, options: FetchOptions = {}): Promise<{ name: string; bytes: number | null } | null> {
    if (!ImageService.handles(source)) return null;
    options.onProgress?.({ step: 'resolving', bytes: 0, totalBytes: null, speed: 0, etaSeconds: null });
    const resolved = await this.resolve(source, options.sha256);
    const planned = await planFetch(resolved, this.fetchDeps(), this.fetchEvents(options));
    if (!('run' in planned)) return null;
    const urls = await (this.deps.mirrors ?? directOnly)(resolved.url, options.signal);
    return { name: resolved.name, bytes: await tellMirrorGap(resolved, probeImage(urls, options.signal, { publicOnly: options.publicOnly ?? false })) };
  }

  /**
   * A URL or catalog image not cached yet, as a source the flash writes while it downloads
   * (streamed-source.ts); null when it is cached or its format cannot be decoded on the way.
   */
  private async whileDownloading(ref: string, options: FetchOptions): Promise<PreparedSource | null> {
    const resolved = await this.resolve(ref, options.sha256);
    const events = this.fetchEvents(options);
    const planned = await planFetch(resolved, this.fetchDeps(), events);
    return 'run' in planned ? streamedSource(resolved, planned, this.cache, events) : null;
  }

  async prepareSource(source: string, options: FetchOptions = {}): Promise<PreparedImage & { entry: DownloadedEntry }> {
    const fetched = await this.fetch(source, options);
    const prepared = await this.describe(fetched);
    return { ...prepared, entry: { ...prepared.entry, file: fetched.file } };
  }

  /** What a flash of the entry reads: its decompressed copy when it has one a flash may trust, else the downloaded file. */
  private async describe(entry: CacheEntry): Promise<PreparedImage> {
    if (!readsDownload(entry)) return this.preparedCopy(entry);
    const file = this.cache.abs(entry.file);
    return { path: file, entry, size: (await inspectSource(file)).size ?? entry.size };
  }

  /** An entry's decompressed copy as a flash reads it: its data ranges, and the digest the writer must reproduce. */
  private async preparedCopy(entry: CacheEntry): Promise<PreparedImage> {
    const copy = trustedCopy(entry);
    if (!copy) throw new FiotError('NOT_FOUND', `${entry.name} has no decompressed copy in the cache.`);
    const map = await readMapFile(this.cache, entry);
    return { path: this.cache.abs(copy.file), entry, size: copy.size, writtenSha256: copy.dataSha256, ...(map ? { dataRanges: map.dataRanges } : {}) };
  }

  /**
   * What the flash pipeline reads for an entry: its copy (held to the copy's digest; a copy that
   * fails the writer's check is dropped), else the downloaded file with an offer to keep the copy
   * the writer makes of it.
   */
  private async flashSource(entry: CacheEntry, signal: AbortSignal | undefined): Promise<PreparedSource> {
    if (readsDownload(entry)) return { path: this.cache.abs(entry.file), verifiedSha256: entry.sha256, cacheCopy: await this.reverified(entry, signal) };
    const { path: copy, writtenSha256, dataRanges } = await this.preparedCopy(entry);
    const discard = async () => void (await this.cache.remove(entry.sha256).catch(() => []));
    return { path: copy, verifiedSha256: entry.sha256, writtenSha256, fromCache: true, ...(dataRanges ? { dataRanges } : {}), discard };
  }

  /**
   * A cached download flashed before the cache has its copy is hashed again first: every later
   * flash trusts the copy made now, so it must come from the very bytes that were verified, and a
   * file changed since its download is written to no card (CACHE_CORRUPT, and it leaves the cache).
   * The copy is then kept only while the file is still the one hashed here (copy-offer.ts).
   */
  private async reverified(entry: DownloadedEntry, signal: AbortSignal | undefined): Promise<CopyOffer> {
    const file = this.cache.abs(entry.file);
    const identity = await fs.stat(file);
    const actual = await sha256OfImage(file, signal);
    if (actual !== entry.sha256) {
      await this.cache.remove(entry.sha256).catch(() => []);
      throw new FiotError('CACHE_CORRUPT', `${entry.name} in the image cache has sha256 ${actual}, not the ${entry.sha256} it was verified with when it was downloaded: it was changed since.`,
        'It was removed from the cache and nothing was written. Flash again, which downloads the image afresh.');
    }
    return new CopyOffer(this.cache, { path: file, sha256: entry.sha256, identity });
  }

  /**
   * A flash SourceResolver (electron/core/image-source/resolve.ts) for URLs, catalog references and
   * the cache's own files (the app flashes the path a download handed back); other local paths fall
   * through (null). The request's sha256 is checked before anything is cached.
   */
  resolver(options: Omit<FetchOptions, 'signal' | 'sha256'> = {}): SourceResolver {
    return async (ref, signal, expected) => {
      const fetchOptions = { ...options, signal, insecureSkipSignature: expected?.insecureSkipSignature, ...(expected?.sha256 ? { sha256: expected.sha256 } : {}) };
      const streamed = ImageService.handles(ref) && expected?.whileDownloading ? await this.whileDownloading(ref, fetchOptions) : null;
      if (streamed) return streamed;
      const cached = ImageService.handles(ref) ? await this.fetch(ref, fetchOptions) : await this.entryAt(ref);
      if (!cached) return null;
      const { verification } = cached;
      return { ...(await this.flashSource(cached, signal)), trust: { signature: verification.signature, signatureSkipped: verification.signatureSkipped } };
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
      return this.flashSource(entry, undefined);
    });
  }

  /**
   * The entry whose downloaded file or decompressed copy is the file at this path, if any. A copy
   * no flash may trust (made by an older version) with no download beside it is no entry's here:
   * it is flashed as the local file it is.
   */
  private async entryAt(file: string): Promise<CacheEntry | null> {
    const at = (name: string | null | undefined) => name !== null && name !== undefined && this.cache.abs(name) === path.resolve(file);
    const entries = await this.cache.list();
    return entries.find((e) => at(e.file) || (at(e.raw?.file) && (isDownloaded(e) || trustedCopy(e)))) ?? null;
  }

  /** The decompressed copies the cache keeps of its downloads: part of each download, not images of their own. */
  async copiesOfDownloads(): Promise<string[]> {
    return (await this.cache.list()).flatMap((entry) => (isDownloaded(entry) && entry.raw ? [this.cache.abs(entry.raw.file)] : []));
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

/** A flash of the entry reads its downloaded file: the cache has no copy of it a flash may trust. */
function readsDownload(entry: CacheEntry): entry is DownloadedEntry {
  return isDownloaded(entry) && !trustedCopy(entry);
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
