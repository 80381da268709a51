/**
 * Uploads to a station as raw HTTP on a TCP socket, so a test controls every byte a browser or an
 * attacker could send: the path as written (`..` included), each header, a body shorter than
 * announced, a reset mid-body, a stall. Every call is bounded in time.
 */
import type { Socket } from 'node:net';
import { readdirSync } from 'node:fs';
import { UPLOAD_HEADER } from '../../shared/station-upload';
import { openConnection, untilClosed } from './hostile-clients';

const ANSWER_TIMEOUT_MS = 20_000;

export interface UploadRequestOptions {
  /** The path after /upload/, exactly as sent (percent-encode it yourself). */
  name: string;
  port: number;
  /** Sent in the upload header, as the station's page does; null sends none. */
  token: string | null;
  /** A Cookie header to send (what a browser holds for the station's host). */
  cookie?: string;
  /** The page's origin; default the station's own. null sends no Origin. */
  origin?: string | null;
  /** Content-Length; null sends the body chunked instead. Default: the body's length. */
  contentLength?: number | null;
  method?: string;
}

export interface UploadAnswer {
  status: number;
  body: string;
}

export function uploadHead(options: UploadRequestOptions, bodyLength = 0): string {
  const length = options.contentLength === undefined ? bodyLength : options.contentLength;
  const origin = options.origin === undefined ? `http://127.0.0.1:${options.port}` : options.origin;
  const lines = [`${options.method ?? 'PUT'} /upload/${options.name} HTTP/1.1`, `Host: 127.0.0.1:${options.port}`];
  if (options.token !== null) lines.push(`${UPLOAD_HEADER}: ${options.token}`);
  if (options.cookie !== undefined) lines.push(`Cookie: ${options.cookie}`);
  if (origin !== null) lines.push(`Origin: ${origin}`);
  lines.push(length === null ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`, 'Content-Type: application/octet-stream');
  return lines.join('\r\n') + '\r\n\r\n';
}

/** The station's answer on `socket`, once it closed the connection (uploads always close); status 0 when it sent none in time. */
export async function answerOf(socket: Socket, timeoutMs = ANSWER_TIMEOUT_MS): Promise<UploadAnswer & { closedAfterMs: number }> {
  const started = Date.now();
  const received = Buffer.from(await untilClosed(socket, timeoutMs), 'latin1').toString('utf8');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
  return { status, body: received.slice(received.indexOf('\r\n\r\n') + 4).trim(), closedAfterMs: Date.now() - started };
}

/** Sends the head and `body` (nothing when omitted: the answer must then come before any body). */
export async function putUpload(options: UploadRequestOptions, body?: Buffer): Promise<UploadAnswer> {
  const socket = await openConnection(options.port);
  const answer = answerOf(socket);
  socket.write(uploadHead(options, body?.length ?? 0));
  if (body) socket.write(body);
  const { status, body: text } = await answer;
  return { status, body: text };
}

/** Files in `folder`, hidden part files included. */
export function folderEntries(folder: string): string[] {
  return readdirSync(folder).sort();
}

/** Waits (bounded) until `folder` holds exactly `expected`: the station cleans up after a cut-off upload as its last step. */
export async function folderSettles(folder: string, expected: string[], timeoutMs = 10_000): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  let entries = folderEntries(folder);
  while (JSON.stringify(entries) !== JSON.stringify([...expected].sort()) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    entries = folderEntries(folder);
  }
  return entries;
}
