/**
 * Streaming download into a `.part` file with resume, retries and mirror failover.
 *
 * Policy, in order: resume what is on disk with `Range` + `If-Range` (a 200 instead of a 206 means
 * the file changed or the server cannot resume: start again from zero); retry a dropped connection
 * with exponential backoff; after a mirror keeps failing (or answers 4xx) move to the next one.
 * A full disk stops at once, the `.part` kept for a later resume. A cancel stops at once too, and
 * keeps the `.part` only when the server lets the next run continue it (part-file.ts); its error
 * says which. Nothing claims success unless every byte of the announced length arrived.
 */
import { promises as fs } from 'node:fs';
import { FiotError } from '../../../../shared/errors';
import { httpGet, type GetResponse } from './http-get';
import { isUnreachable, unreachableError } from './unreachable';
import { SlowReaderTooFarBehind } from '../../net/closing-responses';
import { acceptsRanges, readPart, settleStoppedPart, validatorOf, writePartState, type PartState } from './part-file';
import { downloadLeftWords, type DownloadLeft } from '../../../../shared/domain/download-left';
import type { TransferProgress } from '../../../../shared/domain/transfer';
import { ProgressMeter } from '../../../../shared/progress-meter';
import { formatSize } from '../../../../shared/format-size';

export interface DownloadProgress extends TransferProgress {
  url: string;
}

export interface DownloadRequest {
  /** The same file on several mirrors, in order of preference. */
  urls: string[];
  partPath: string;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Tries per mirror before failing over (default 4). */
  attemptsPerUrl?: number;
  /** First backoff delay; doubles on each retry (default 1 s). */
  backoffMs?: number;
  /** For a station client: only public addresses, every redirect included. */
  publicOnly?: boolean;
  /**
   * The most bytes the part file may still take (the cache's free space less its reserve, and its
   * limit): a larger announced length is refused before a byte is written, and a body of unknown
   * length is stopped there.
   */
  room?: () => Promise<number>;
}

export interface DownloadOutcome {
  path: string;
  bytes: number;
  url: string;
  /** True when bytes from an earlier attempt or run were kept. */
  resumed: boolean;
}

/** A cancelled download, with what it left for the next run (said in its message). */
export class DownloadCancelled extends FiotError {
  constructor(readonly left: DownloadLeft) {
    super('CANCELLED', `The download was cancelled. ${downloadLeftWords(left, 'download')}`, 'Start the download again when you are ready.');
  }
}

/** A failure worth another try on the same mirror (dropped connection, 5xx), as opposed to a 4xx. */
class RetryableError extends Error {}
/** A server sending more than it announced: not one to retry, the next mirror may behave. */
class OverrunError extends Error {}
/**
 * Cut because this computer's disk fell too far behind a server that closes its connections
 * (net/closing-responses.ts), after some bytes were saved: resumed at once, not counted as a failure.
 */
class CutWhileSaving extends RetryableError {}

const PROGRESS_INTERVAL_MS = 200;

export async function download(request: DownloadRequest): Promise<DownloadOutcome> {
  const { urls, attemptsPerUrl = 4, backoffMs = 1000, signal } = request;
  if (urls.length === 0) throw new FiotError('INVALID_INPUT', 'No URL to download from.');
  const meter = new ProgressMeter();
  let resumed = false;
  const failures: string[] = [];
  // The last transport failure, while every mirror failed that way: then the network is the cause.
  let unreachable: { url: string; error: unknown } | null = null;
  let answered = false;
  for (const url of urls) {
    for (let attempt = 1; attempt <= attemptsPerUrl; attempt++) {
      await throwIfCancelled(signal, request.partPath);
      try {
        const outcome = await attemptOnce(url, request, meter);
        resumed ||= outcome.resumed;
        return { ...outcome, resumed };
      } catch (error) {
        if (error instanceof FiotError) throw error;
        await throwIfCancelled(signal, request.partPath);
        if (error instanceof CutWhileSaving) {
          attempt--;
          resumed = true;
          continue;
        }
        const message = error instanceof Error ? error.message : String(error);
        if (isUnreachable(error)) unreachable = { url, error };
        else answered = true;
        if (!(error instanceof RetryableError) && !isUnreachable(error)) {
          failures.push(`${url}: ${message}`);
          break;
        }
        if (attempt === attemptsPerUrl) failures.push(`${url}: ${message}`);
        else await sleep(backoffMs * 2 ** (attempt - 1), signal);
        resumed = true;
      }
    }
  }
  if (unreachable && !answered) throw unreachableError(unreachable.url, unreachable.error);
  throw new FiotError('NETWORK', `The download failed on every mirror: ${failures.join('; ')}`);
}

async function attemptOnce(url: string, request: DownloadRequest, meter: ProgressMeter): Promise<Omit<DownloadOutcome, 'resumed'> & { resumed: boolean }> {
  const { partPath, signal } = request;
  const room = request.room ? await request.room() : Infinity;
  const existing = await readPart(partPath);
  const canResume = existing !== null && existing.bytes > 0 && existing.state.validator !== null;
  const headers: Record<string, string> = canResume
    ? { range: `bytes=${existing.bytes}-`, 'if-range': existing.state.validator! }
    : {};
  const response = await httpGet(url, headers, signal, { publicOnly: request.publicOnly ?? false });
  if (canResume && response.status === 416 && existing.state.totalBytes === existing.bytes) {
    // Everything had already arrived before the last run stopped.
    response.body.resume();
    return { path: partPath, bytes: existing.bytes, url, resumed: true };
  }
  let offset: number;
  let state: PartState;
  if (canResume && response.status === 206) {
    offset = existing.bytes;
    state = existing.state;
    const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(String(response.headers['content-range'] ?? ''));
    if (!range || Number(range[1]) !== offset) {
      response.body.resume();
      throw new RetryableError(`the server answered a different range (${response.headers['content-range'] ?? 'none'})`);
    }
    if (range[2] !== '*') state = { ...state, totalBytes: Number(range[2]) };
    // It sent a part of the file: what a cancel keeps can be continued.
    if (state.ranges !== true) {
      state = { ...state, ranges: true };
      await writePartState(partPath, state);
    }
    await refuseBeyondRoom(response, url, state.totalBytes, offset, room);
  } else if (response.status === 200) {
    offset = 0;
    const length = Number(response.headers['content-length']);
    state = { url, validator: validatorOf(response.headers), totalBytes: Number.isFinite(length) && length >= 0 ? length : null, ranges: acceptsRanges(response.headers) };
    await refuseBeyondRoom(response, url, state.totalBytes, 0, room);
    await fs.writeFile(partPath, '');
    await writePartState(partPath, state);
  } else {
    response.body.resume();
    const message = `HTTP ${response.status}`;
    throw response.status >= 500 || response.status === 429 ? new RetryableError(message) : new Error(message);
  }
  // A body of unknown length may grow only as far as there is room; one with a length, no further than announced.
  const limit = state.totalBytes ?? offset + room;
  const bytes = await receiveBody(response, partPath, offset, limit, state.totalBytes !== null, (received) =>
    request.onProgress?.({ ...meter.sample(received, state.totalBytes), url }),
  );
  if (state.totalBytes !== null && bytes !== state.totalBytes) {
    throw new RetryableError(`the connection closed after ${bytes} of ${state.totalBytes} bytes`);
  }
  request.onProgress?.({ ...meter.sample(bytes, bytes), url });
  return { path: partPath, bytes, url, resumed: offset > 0 };
}

/**
 * Appends the body to the part file, never past `limit` (the announced length, or the room left
 * when none was announced); returns the bytes on disk. A dropped socket throws mid-way.
 */
async function receiveBody(response: GetResponse, partPath: string, offset: number, limit: number, announced: boolean, progress: (bytes: number) => void): Promise<number> {
  const file = await fs.open(partPath, 'r+');
  let position = offset;
  let lastReport = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      if (position + chunk.length > limit) {
        response.body.destroy();
        if (announced) throw new OverrunError(`the server sent more bytes than the ${limit} it announced`);
        throw new FiotError('DISK_FULL', `The download grew past the ${formatSize(limit - offset)} the image cache may still take (the free space on its disk less a reserve, and its limit); it was stopped there.`);
      }
      try {
        await file.write(chunk, 0, chunk.length, position);
      } catch (error) {
        response.body.destroy();
        throw diskError(error, partPath);
      }
      position += chunk.length;
      if (Date.now() - lastReport >= PROGRESS_INTERVAL_MS) {
        lastReport = Date.now();
        progress(position);
      }
    }
  } catch (error) {
    if (error instanceof FiotError || error instanceof RetryableError || error instanceof OverrunError) throw error;
    if (error instanceof SlowReaderTooFarBehind && position > offset) throw new CutWhileSaving(`the transfer was cut after ${position} bytes (${error.message})`);
    throw new RetryableError(`the connection dropped after ${position} bytes (${(error as Error).message})`);
  } finally {
    await file.close();
  }
  return position;
}

/** An announced length the cache has no room for is refused before anything is written. */
async function refuseBeyondRoom(response: GetResponse, url: string, total: number | null, offset: number, room: number): Promise<void> {
  if (total === null || total - offset <= room) return;
  // Abandoned unread: the aborted body reports an error nobody else is listening for.
  response.body.on('error', () => undefined);
  response.body.destroy();
  throw new FiotError('DISK_FULL', `${url} is ${formatSize(total)}, and the image cache may take only ${formatSize(Math.max(0, room))} more (the free space on its disk less a 1 GiB reserve, and its limit). Nothing was downloaded.`,
    'Free some space or raise FIOT_CACHE_LIMIT_GB, then try again; if the size is not what the image should be, the server is not one to download it from.');
}

function diskError(error: unknown, partPath: string): FiotError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new FiotError('DISK_FULL', `The disk holding the image cache is full (writing ${partPath}). The partial download was kept and resumes once there is space.`);
  }
  return new FiotError('INTERNAL', `Could not write ${partPath}: ${(error as Error).message}`);
}

async function throwIfCancelled(signal: AbortSignal | undefined, partPath: string): Promise<void> {
  if (signal?.aborted) throw new DownloadCancelled(await settleStoppedPart(partPath));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
