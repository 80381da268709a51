/**
 * `PUT /upload/<name>`: an image from the browser into the station's upload folder, where the
 * image step then offers it like any other (a field tech's laptop has the image, the station has
 * the card readers). server.ts has already checked Host and token; this route adds the page's own
 * origin and the upload header (a cross-site form cannot send it), then the name, size, free
 * space and a free slot: every refusal is answered before a byte of the body is read.
 *
 * The body streams with backpressure into a new hidden `.part` file (O_EXCL|O_NOFOLLOW: never an
 * existing file, never through a link) and takes its name only once every announced byte is on
 * disk, by a hard link that fails rather than replace a file. A body cut short, a dropped
 * connection, a stall (no byte for `stallMs`) or a trickle (less than the floor rate over a
 * `rateWindowMs` span) leaves nothing behind and frees the slot.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, lstat, open, readdir, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { formatSize } from '../../shared/format-size';
import type { UploadedImage } from '../../shared/station-upload';
import { sendText } from './responses';
import { announcedLength, isRefusal, roomFor, uploadName, type UploadRefusal } from './upload-checks';

/** One upload at a time: a second would halve the first one's speed and race it for the disk. */
export const MAX_ACTIVE_UPLOADS = 1;

/**
 * The slowest upload kept going: 32 KiB/s (256 kbit/s) is below any working network, and an
 * image of a few hundred MB at this rate still arrives within hours, not never.
 */
export const UPLOAD_FLOOR_BYTES_PER_SECOND = 32 * 1024;

export interface UploadRouteOptions {
  /** The real path of the folder uploads land in; null when this station takes none. */
  folder: string | null;
  /** No byte for this long and the upload is cut, its part file removed. */
  stallMs: number;
  /** Less than the floor rate over a span this long and the upload is cut, its part file removed. */
  rateWindowMs: number;
  /** Whether an Origin header names a page of this station (absent: not a browser). */
  originAllowed(origin: string | undefined): boolean;
}

export type UploadRoute = (request: IncomingMessage, response: ServerResponse, encodedName: string) => Promise<void>;

const partFileFlags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
/** `.<name>.<12 hex digits>.part`: what receive() names a file in progress, and nothing else. */
const partFileName = /^\..+\.[0-9a-f]{12}\.part$/;

function partFileFor(folder: string, name: string): string {
  return path.join(folder, `.${name}.${randomBytes(6).toString('hex')}.part`);
}

/**
 * Part files a station left when it was killed mid-upload. One still being written changes every
 * moment; one untouched for longer than the stall limit belongs to no live upload.
 */
async function removeAbandonedParts(folder: string, stallMs: number): Promise<void> {
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const name of names.filter((n) => partFileName.test(n))) {
    const file = path.join(folder, name);
    const info = await lstat(file).catch(() => null);
    if (info?.isFile() && Date.now() - info.mtimeMs > stallMs) await rm(file, { force: true });
  }
}

class UploadFailed extends Error {
  constructor(readonly refusal: UploadRefusal) {
    super(refusal.reason);
  }
}

/** The checks that need no disk, in the order a person fixes them: who asks, then what. */
function requestRefusal(request: IncomingMessage, options: UploadRouteOptions): UploadRefusal | null {
  if (!options.originAllowed(request.headers.origin)) return { status: 403, reason: 'Only the station’s own page may upload to it.' };
  if (request.method !== 'PUT') return { status: 405, reason: 'Upload an image with PUT.' };
  return null;
}

/**
 * Streams the body into a part file and gives it `name`; the part file never outlives this call.
 * The body is piped: a disk slower than the network pauses the socket, and TCP flow control holds
 * the client back instead of the station's memory filling up.
 */
async function receive(request: IncomingMessage, folder: string, name: string, length: number, limits: Pick<UploadRouteOptions, 'stallMs' | 'rateWindowMs'>): Promise<UploadedImage> {
  const partPath = partFileFor(folder, name);
  const finalPath = path.join(folder, name);
  const file = await open(partPath, partFileFlags, 0o644);
  let received = 0;
  const stall = setTimeout(() => request.destroy(new Error('stalled')), limits.stallMs);
  const floorPerWindow = (UPLOAD_FLOOR_BYTES_PER_SECOND * limits.rateWindowMs) / 1000;
  let receivedAtWindowStart = 0;
  const rate = setInterval(() => {
    // The last span may hold less: what is left of the body, not a slow client.
    const expected = Math.min(floorPerWindow, length - receivedAtWindowStart);
    if (received - receivedAtWindowStart < expected) request.destroy(new Error('slower than the floor rate'));
    receivedAtWindowStart = received;
  }, limits.rateWindowMs);
  request.on('data', (chunk: Buffer) => {
    received += chunk.length;
    stall.refresh();
  });
  try {
    // flush: the data are on the disk (fsync) before the file gets its name.
    await pipeline(request, file.createWriteStream({ flush: true }));
    if (!request.complete || received !== length) throw new Error('the body ended before its announced length');
    // Bytes past the announced length reach Node's parser as a broken next request, and it closes
    // the connection: whatever a client cannot be told was saved is not kept.
    if (request.socket.destroyed) throw new Error('the connection closed before the upload was confirmed');
    await link(partPath, finalPath).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
      throw new UploadFailed({ status: 409, reason: `A file named “${name}” arrived on the station meanwhile; yours was not kept. Rename it and upload it again.` });
    });
    return { path: finalPath, name, size: received };
  } finally {
    clearTimeout(stall);
    clearInterval(rate);
    await file.close().catch(() => undefined);
    await rm(partPath, { force: true });
  }
}

/** What the browser is told when receiving failed while it could still listen. */
function failureOf(error: unknown, name: string, length: number): UploadRefusal {
  if (error instanceof UploadFailed) return error.refusal;
  if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
    return { status: 507, reason: `The station’s disk filled up while receiving “${name}” (${formatSize(length)}); nothing was kept. Free some space on the station and upload it again.` };
  }
  return { status: 500, reason: `The station could not save “${name}”: ${(error as Error).message}. Nothing was kept.` };
}

export function createUploadRoute(options: UploadRouteOptions): UploadRoute {
  let active = 0;
  if (options.folder) void removeAbandonedParts(options.folder, options.stallMs);
  return async (request, response, encodedName) => {
    const refuse = (refusal: UploadRefusal) => sendText(response, refusal.status, refusal.reason);
    const early = requestRefusal(request, options);
    if (early) return refuse(early);
    const { folder } = options;
    if (!folder) return refuse({ status: 404, reason: 'This station takes no uploads: copy the image into its images folder instead.' });
    const named = uploadName(encodedName);
    if (isRefusal(named)) return refuse(named);
    const announced = announcedLength(request.headers['content-length']);
    if (isRefusal(announced)) return refuse(announced);
    if (active >= MAX_ACTIVE_UPLOADS) return refuse({ status: 429, reason: 'The station is receiving another upload: wait until it is done, then try again.' });
    active++;
    try {
      const room = await roomFor(folder, named.name, announced.length);
      if (room) return refuse(room);
      const uploaded = await receive(request, folder, named.name, announced.length, options);
      const body = JSON.stringify(uploaded);
      response.writeHead(201, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
      response.end(body);
    } catch (error) {
      if (!request.socket.destroyed) refuse(failureOf(error, named.name, announced.length));
    } finally {
      active--;
    }
  };
}
