/**
 * Check the CHECKSUM policy → download → verify → commit, once per image even when several processes ask at the same time:
 * the download of one source is serialized by a lock file, and whoever gets the lock second finds
 * the entry already committed and downloads nothing. A file that fails verification is deleted,
 * never committed; a cancelled or failed transfer leaves its `.part` for the next try.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FiotError } from '../../../shared/errors';
import { isCatalogRef, mirrorGapError } from '../../../shared/domain/catalog';
import { isDownloaded, type DownloadedEntry } from '../../../shared/domain/images';
import { mirrorRefusal, ProxyRefusal } from '../net/proxy-refusal';
import type { ImageCache } from './cache/image-cache';
import { acquireLock } from './cache/lock-file';
import { download, type DownloadProgress } from './download/download';
import { fetchText } from './download/fetch-text';
import type { MirrorSource } from './download/mirrors';
import type { ResolvedSource } from './resolve-source';
import { checksumUrlFor } from './verify/checksum-file';
import { checksumExpectations, type Expectations } from './verify/checksum-policy';
import type { TrustedKeys } from './verify/trusted-keys';
import { verifyImage } from './verify/verify-image';

export interface FetchDeps {
  cache: ImageCache;
  mirrors: MirrorSource;
  trustedKeys: () => Promise<TrustedKeys>;
  /** The CHECKSUM file for an image URL, if any (default: Fedora's naming, next to the image). */
  checksumUrl?: (imageUrl: string) => string | null;
  attemptsPerUrl?: number;
  backoffMs?: number;
}

export interface FetchEvents {
  signal?: AbortSignal;
  onPhase?: (phase: 'waiting' | 'downloading' | 'verifying') => void;
  onProgress?: (progress: DownloadProgress) => void;
  removeAfterWrite?: boolean;
  /** Accept a Fedora image without a valid CHECKSUM signature (recorded in the entry). */
  insecureSkipSignature?: boolean;
  /** For a station client: the image and its CHECKSUM file only from public addresses. */
  publicOnly?: boolean;
}

/** A download still to do, its CHECKSUM already fetched and trusted: `run` downloads, verifies and keeps it. */
export interface PlannedDownload {
  /** The `.part` file the bytes arrive in (a flash may read it while they do). */
  partPath: string;
  run(events: FetchEvents): Promise<DownloadedEntry>;
}

/** The cached entry for a resolved source, downloading and verifying it when it is not cached yet. */
export async function fetchImage(resolved: ResolvedSource, deps: FetchDeps, events: FetchEvents = {}): Promise<DownloadedEntry> {
  const planned = await planFetch(resolved, deps, events);
  return 'run' in planned ? planned.run(events) : planned;
}

/**
 * An image the person's own mirror lacks, whose other server (Fedora's) could not be reached
 * either: the mirror's answer is what they can act on, so it comes first, not "no network". The
 * same when a proxy refused the mirror and then the other server: the mirror is named first.
 */
export async function tellMirrorGap<T>(resolved: ResolvedSource, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof FiotError)) throw error;
    if (resolved.mirrorGap && error.code === 'OFFLINE') throw mirrorGapError(resolved.mirrorGap, new URL(resolved.url).host);
    const unreachable = resolved.unreachableMirror;
    // Only when the proxy answered no: a proxy that is not running is said as such, whatever was asked of it.
    if (unreachable?.code === 'PROXY_REFUSED' && error instanceof ProxyRefusal && error.answered && !sameServer(unreachable.mirror, resolved.url)) throw mirrorRefusal(unreachable.mirror, resolved.url);
    throw error;
  }
}

function sameServer(a: string, b: string): boolean {
  return new URL(a).host === new URL(b).host;
}

/**
 * The cached entry, or the download to do. The CHECKSUM file comes first: an image that cannot be
 * trusted is refused before a byte of it is downloaded (or written anywhere).
 */
export async function planFetch(resolved: ResolvedSource, deps: FetchDeps, events: FetchEvents = {}): Promise<DownloadedEntry | PlannedDownload> {
  const cached = await lookup(resolved, deps.cache);
  if (cached) return trusted(cached, events);
  const expectations = await tellMirrorGap(resolved, expectationsFor(resolved, deps, events));
  const key = downloadKey(resolved);
  return { partPath: path.join(deps.cache.downloadsDir, `${key}.part`), run: (runEvents) => tellMirrorGap(resolved, lockedDownload(resolved, key, expectations, deps, runEvents)) };
}

/** The downloads this process is making, by key: a request that waits for one learns how it ended. */
const downloading = new Map<string, Promise<DownloadedEntry>>();

async function lockedDownload(resolved: ResolvedSource, key: string, expectations: Expectations, deps: FetchDeps, events: FetchEvents): Promise<DownloadedEntry> {
  const ahead = downloading.get(key);
  await fs.mkdir(deps.cache.downloadsDir, { recursive: true });
  const release = await acquireLock(path.join(deps.cache.downloadsDir, `${key}.lock`), { signal: events.signal, onWait: () => events.onPhase?.('waiting') });
  let running: Promise<DownloadedEntry> | undefined;
  try {
    // Another process may have committed it while we waited for the lock.
    const committed = await lookup(resolved, deps.cache);
    if (committed) return trusted(committed, events);
    if (ahead) await sameBytesAgain(resolved, ahead);
    running = downloadAndCommit(resolved, key, expectations, deps, events);
    downloading.set(key, running);
    return await running;
  } finally {
    if (running && downloading.get(key) === running) downloading.delete(key);
    await release();
  }
}

/**
 * A request that waited for this process's download of the same image (a card bench's next card
 * while its first is written as the image arrives): when that download failed its checksum, the
 * server would send the same bytes again, so this request fails with it instead of downloading.
 * Any other end (cancelled, a dropped line) leaves this request to download as usual.
 */
async function sameBytesAgain(resolved: ResolvedSource, ahead: Promise<DownloadedEntry>): Promise<void> {
  const failure = await ahead.then(() => null, (error: unknown) => error);
  if (!(failure instanceof FiotError) || failure.code !== 'CHECKSUM_MISMATCH') return;
  throw new FiotError('CHECKSUM_MISMATCH', `${resolved.name} was not downloaded again: the download this write waited for did not match its checksum. ${failure.message}`, failure.hint);
}

/** An entry kept without a signature check is used again only by someone who skips the check too. */
function trusted(entry: DownloadedEntry, events: FetchEvents): DownloadedEntry {
  if (entry.verification.signatureSkipped && !events.insecureSkipSignature) {
    throw new FiotError('SIGNATURE_INVALID', `${entry.name} is in the image cache, but it was kept without a signature check, so it is not used for a checked download.`, `Remove it from the image cache (its id: ${entry.sha256.slice(0, 12)}), then download it again.`);
  }
  return entry;
}

/** The cached download of a resolved source, if any (unchanged: no source is remembered). */
export async function lookupEntry(resolved: ResolvedSource, cache: ImageCache): Promise<DownloadedEntry | null> {
  // A local file's decompressed copy is no download: the file is downloaded and joins that entry.
  const entries = (await cache.list()).filter(isDownloaded);
  return (resolved.sha256
    ? entries.find((e) => e.sha256 === resolved.sha256)
    : // By URL, never by catalog reference alone: the same reference names a newer image tomorrow.
      entries.find((e) => e.sources.includes(resolved.url))) ?? null;
}

async function lookup(resolved: ResolvedSource, cache: ImageCache): Promise<DownloadedEntry | null> {
  const hit = await lookupEntry(resolved, cache);
  if (!hit) return null;
  // A known image asked for under a new name (another mirror, a catalog ref): remember that name too.
  return remember(cache, hit, [resolved.source, resolved.url]);
}

async function remember(cache: ImageCache, entry: DownloadedEntry, sources: string[]): Promise<DownloadedEntry> {
  const updated = await cache.update(entry.sha256, (e) => {
    for (const source of sources) if (!e.sources.includes(source)) e.sources.push(source);
    e.lastUsedAt = new Date().toISOString();
  });
  return { ...updated, file: entry.file };
}

/** Same image, same key: by its expected sha256 when known (any mirror), else by its URL. */
function downloadKey(resolved: ResolvedSource): string {
  return resolved.sha256 ?? createHash('sha256').update(resolved.url).digest('hex');
}

async function downloadAndCommit(resolved: ResolvedSource, key: string, expectations: Expectations, deps: FetchDeps, events: FetchEvents): Promise<DownloadedEntry> {
  const partPath = path.join(deps.cache.downloadsDir, `${key}.part`);
  events.onPhase?.('downloading');
  const urls = await deps.mirrors(resolved.url, events.signal);
  const outcome = await download({
    urls, partPath, signal: events.signal, onProgress: events.onProgress, attemptsPerUrl: deps.attemptsPerUrl, backoffMs: deps.backoffMs,
    publicOnly: events.publicOnly ?? false, room: () => deps.cache.room(deps.cache.downloadsDir),
  });
  events.onPhase?.('verifying');
  let verification;
  try {
    verification = await verifyImage(outcome.path, resolved.name, expectations, events.signal);
  } catch (error) {
    // A file that is not what it claims must not be resumed from or cached: throw it away.
    if (error instanceof FiotError && error.code === 'CHECKSUM_MISMATCH') {
      await fs.rm(partPath, { force: true });
      await fs.rm(`${partPath}.json`, { force: true });
    }
    throw error;
  }
  return deps.cache.commit({ partPath, name: resolved.name, sources: [resolved.source, resolved.url], verification, removeAfterWrite: events.removeAfterWrite });
}

async function expectationsFor(resolved: ResolvedSource, deps: FetchDeps, events: FetchEvents): Promise<Expectations> {
  const checksumUrl = (deps.checksumUrl ?? checksumUrlFor)(resolved.url);
  return checksumExpectations({
    name: resolved.name,
    ...(resolved.sha256 ? { given: { sha256: resolved.sha256, from: resolved.expectedFrom === 'catalog' ? 'the catalog' : 'the --sha256 given' } } : {}),
    fromCatalog: isCatalogRef(resolved.source),
    checksumUrl,
    checksumText: checksumUrl ? await fetchText(checksumUrl, events.signal, { publicOnly: events.publicOnly ?? false }) : null,
    trusted: await deps.trustedKeys(),
    insecureSkipSignature: events.insecureSkipSignature ?? false,
  });
}
