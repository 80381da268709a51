/**
 * The catalog service: `get()` answers at once from the on-disk cache or the embedded snapshot;
 * `refresh()` asks every source in parallel, each under its own deadline, so one slow or broken
 * source never blocks or breaks the others. A failed source keeps its earlier answer (stale) or,
 * if it never answered, its part of the snapshot (failed), with a quiet reason for the notice.
 */
import type { AppConfig } from '../config';
import type { Board } from '../../../shared/domain/board';
import type { Catalog, CatalogEntry } from '../../../shared/domain/catalog';
import { FiotError } from '../../../shared/errors';
import { loadBoards, loadSnapshot, type Snapshot } from './assets';
import { cacheFilePath, readCache, writeCache, type CachedSource, type CacheFile } from './cache-store';
import { describeFailure, type FetchLike } from './http';
import { cachedImageSizes, probeFileSizes, probeImageSizes, sizesOfListed, withFileSizes, withImageSizes, type ImageSizes } from './image-sizes';
import { buildCatalog } from './merge';
import { checksumSource } from './releases/checksum-source';
import { releasesSource } from './releases/releases-source';
import { inspectReference } from './registry/inspect-reference';
import { registrySource } from './registry/registry-source';
import type { CatalogSource, SourceOutcome } from './source';

export interface CatalogServiceOptions {
  config: AppConfig;
  /** Defaults to the sources named by the config (release index, CHECKSUM files, registries). */
  sources?: CatalogSource[];
  /** Deadline of each HTTP request. */
  requestTimeoutMs?: number;
  /** Deadline of a whole source (a registry source makes several requests). */
  sourceTimeoutMs?: number;
  fetchImpl?: FetchLike;
  now?: () => Date;
  onChange?: (catalog: Catalog) => void;
}

export function defaultSources(config: AppConfig): CatalogSource[] {
  return [
    releasesSource(config.releasesUrl),
    checksumSource(config.iotImagesUrl),
    ...config.registryRepos.map((repo) => registrySource({ repo, insecureRegistries: config.insecureRegistries })),
  ];
}

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** live: some source answered in this refresh; cache: earlier answers only; snapshot: no source ever answered. */
function originOf(sources: Record<string, CachedSource>, justRefreshed: boolean): Catalog['origin'] {
  const all = Object.values(sources);
  if (justRefreshed && all.some((s) => s.status.state === 'ok')) return 'live';
  return all.some((s) => s.state) ? 'cache' : 'snapshot';
}

export class CatalogService {
  private readonly sources: CatalogSource[];
  private readonly snapshot: Snapshot = loadSnapshot();
  private readonly cacheFile: string;
  private current: Catalog | undefined;
  private cache: CacheFile | null | undefined;
  private running: Promise<Catalog> | undefined;

  constructor(private readonly options: CatalogServiceOptions) {
    this.sources = options.sources ?? defaultSources(options.config);
    this.cacheFile = cacheFilePath(options.config.cacheDir);
  }

  boards(): Board[] {
    return loadBoards();
  }

  /** The catalog as known now, without touching the network. */
  async get(): Promise<Catalog> {
    if (this.current) return this.current;
    this.cache ??= await readCache(this.cacheFile);
    const sources = this.cache?.sources ?? {};
    const catalog = buildCatalog(originOf(sources, false), this.snapshot, this.sources, sources, this.cache?.updatedAt ?? null);
    this.current = await this.withSizes(catalog, this.cache?.imageSizes ?? {}, this.cache?.fileSizes ?? {});
    return this.current;
  }

  /** Looks up a user's own container reference in its registry (for "add a container"). */
  inspect(reference: string): Promise<CatalogEntry> {
    const { config, requestTimeoutMs, fetchImpl } = this.options;
    return inspectReference(reference, { insecureRegistries: config.insecureRegistries, timeoutMs: requestTimeoutMs ?? 8000, fetchImpl });
  }

  /** Asks every source again; concurrent callers share one refresh. */
  refresh(): Promise<Catalog> {
    this.running ??= this.refreshAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async refreshAll(): Promise<Catalog> {
    const known = (await this.get()).entries;
    const previous = this.cache?.sources ?? {};
    const requestTimeoutMs = this.options.requestTimeoutMs ?? 8000;
    const sourceTimeoutMs = this.options.sourceTimeoutMs ?? 20000;
    const outcomes = await Promise.allSettled(
      this.sources.map((source) =>
        withDeadline(
          source.run({ previous: previous[source.id]?.state, known, timeoutMs: requestTimeoutMs, fetchImpl: this.options.fetchImpl }),
          sourceTimeoutMs,
          source.id,
        ),
      ),
    );
    const checkedAt = (this.options.now?.() ?? new Date()).toISOString();
    const sources: Record<string, CachedSource> = {};
    this.sources.forEach((source, i) => {
      const outcome = outcomes[i] as PromiseSettledResult<SourceOutcome>;
      sources[source.id] = this.settle(source.id, outcome, previous[source.id], checkedAt);
    });
    const catalog = buildCatalog(originOf(sources, true), this.snapshot, this.sources, sources, checkedAt);
    const { imageSizes, fileSizes } = await this.learnSizes(catalog, sources, requestTimeoutMs, sourceTimeoutMs);
    this.cache = { version: 1, updatedAt: checkedAt, sources, imageSizes, fileSizes };
    this.current = await this.withSizes(catalog, imageSizes, fileSizes);
    await writeCache(this.cacheFile, this.cache);
    this.options.onChange?.(this.current);
    return this.current;
  }

  /**
   * The sizes known before, plus those read now from the servers of raw images whose source answered
   * in this refresh (a source that did not answer would not serve its images either), under the same
   * deadline as a source. Kept only for entries still listed, so the cache does not grow.
   */
  private async learnSizes(catalog: Catalog, sources: Record<string, CachedSource>, timeoutMs: number, deadlineMs: number): Promise<{ imageSizes: ImageSizes; fileSizes: ImageSizes }> {
    const before = { image: this.cache?.imageSizes ?? {}, file: this.cache?.fileSizes ?? {} };
    const reachable = catalog.entries.filter((e) => sources[e.source]?.status.state === 'ok');
    const request = { timeoutMs, fetchImpl: this.options.fetchImpl };
    const probing = Promise.all([probeImageSizes(reachable, before.image, request), probeFileSizes(reachable, before.file, request)]);
    const [image, file] = await withDeadline(probing, deadlineMs, 'image sizes').catch((): ImageSizes[] => [{}, {}]);
    return { imageSizes: sizesOfListed({ ...before.image, ...image }, catalog.entries), fileSizes: sizesOfListed({ ...before.file, ...file }, catalog.entries) };
  }

  /** The catalog with the sizes known from the catalog's cache and from images already downloaded. */
  private async withSizes(catalog: Catalog, known: ImageSizes, fileSizes: ImageSizes): Promise<Catalog> {
    const downloaded = await cachedImageSizes(this.options.config.cacheDir, catalog.entries);
    return { ...catalog, entries: withFileSizes(withImageSizes(catalog.entries, { ...known, ...downloaded }), fileSizes) };
  }

  private settle(id: string, outcome: PromiseSettledResult<SourceOutcome>, before: CachedSource | undefined, checkedAt: string): CachedSource {
    if (outcome.status === 'fulfilled') {
      const { entries, validators, unchanged, note } = outcome.value;
      const message = note ?? (unchanged ? 'unchanged since the last refresh' : undefined);
      return {
        status: { id, state: 'ok', checkedAt, shownFrom: checkedAt, entries: entries.length, ...(message ? { message } : {}) },
        state: { entries, validators, checkedAt },
      };
    }
    const reason = describeFailure(id, outcome.reason);
    const code = outcome.reason instanceof FiotError ? { code: outcome.reason.code } : {};
    if (before?.state) {
      const since = before.state.checkedAt ? ` (showing what it said on ${before.state.checkedAt.slice(0, 10)})` : '';
      const shownFrom = before.state.checkedAt ?? this.snapshot.snapshotDate;
      return { status: { id, state: 'stale', message: `${reason}${since}`, ...code, checkedAt, shownFrom, entries: before.state.entries.length }, state: before.state };
    }
    const snapshotCount = this.snapshot.entries.filter((e) => this.sources.find((s) => s.id === id)?.owns(e)).length;
    return {
      status: { id, state: 'failed', message: `${reason} (showing the snapshot of ${this.snapshot.snapshotDate})`, ...code, checkedAt, shownFrom: this.snapshot.snapshotDate, entries: snapshotCount },
    };
  }
}
