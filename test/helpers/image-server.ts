/**
 * A loopback HTTP file server for download tests: real sockets, real Range/If-Range handling,
 * ETags, and fault injection (cut the connection after N bytes, fail N requests with 503, answer
 * 200 to every Range request like a server that cannot resume), or a file served with no validator. It records every request so tests
 * can assert what the client actually asked for.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedFile {
  body: Buffer;
  /** Served as ETag; change it to simulate the file changing on the server. */
  etag?: string;
  /**
   * Served with no ETag and no Last-Modified, as some plain servers do: Range requests are answered,
   * but a client has nothing to ask "still the same file?" with (If-Range), so it cannot safely resume.
   */
  noValidators?: boolean;
}

export interface Faults {
  /**
   * Destroy the socket after sending this many body bytes, for the next `times` responses (with
   * `downloadsOnly`, only responses to downloads: bounded `bytes=A-B` reads are left whole).
   */
  cutAfterBytes?: { bytes: number; times: number; downloadsOnly?: boolean };
  /** Answer 503 to the next N requests. */
  fail503?: number;
  /** Ignore Range headers (always 200 with the whole file), and say so: no `Accept-Ranges: bytes`. */
  ignoreRange?: boolean;
  /** Send the body slowly: this many bytes then a pause of `ms`, repeated. */
  throttle?: { bytes: number; ms: number };
}

export interface RecordedRequest {
  path: string;
  range?: string;
  ifRange?: string;
  status: number;
  /** Body bytes handed to the socket so far: what a client that hung up early actually received, at most. */
  bytesSent: number;
}

export interface ImageServer {
  url(path: string): string;
  files: Map<string, ServedFile>;
  faults: Faults;
  requests: RecordedRequest[];
  /** Requests for one path that carried a body (200 or 206). */
  transfers(path: string): RecordedRequest[];
  /**
   * Requests for one path that fetched the file to its end (a download, or its resume), leaving
   * out bounded Range reads (`bytes=A-B`: the `.xz` index read before a flash written while it downloads).
   */
  downloads(path: string): RecordedRequest[];
  close(): Promise<void>;
}

export function etagOf(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
}

export async function startImageServer(files: Record<string, Buffer | ServedFile> = {}): Promise<ImageServer> {
  const served = new Map<string, ServedFile>();
  for (const [path, file] of Object.entries(files)) served.set(path, Buffer.isBuffer(file) ? { body: file } : file);
  const faults: Faults = {};
  const requests: RecordedRequest[] = [];

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const record: RecordedRequest = { path, status: 0, bytesSent: 0, ...(req.headers.range ? { range: req.headers.range } : {}), ...(req.headers['if-range'] ? { ifRange: String(req.headers['if-range']) } : {}) };
    requests.push(record);
    const reply = (status: number, headers: Record<string, string | number> = {}, body?: Buffer) => {
      record.status = status;
      res.writeHead(status, headers);
      if (!body) return void res.end();
      void sendBody(res, body, faults, record, isBoundedRange(req.headers.range));
    };
    if (faults.fail503 && faults.fail503 > 0) {
      faults.fail503--;
      return reply(503);
    }
    const file = served.get(path);
    if (!file) return reply(404);
    const etag = file.etag ?? etagOf(file.body);
    const size = file.body.length;
    const common = {
      ...(file.noValidators ? {} : { etag }),
      ...(faults.ignoreRange ? {} : { 'accept-ranges': 'bytes' }),
      'content-type': 'application/octet-stream',
    };
    const ifRange = req.headers['if-range'];
    const range = faults.ignoreRange || (ifRange && (file.noValidators || ifRange !== etag)) ? null : requestedRange(req.headers.range, size);
    if (range === 'unsatisfiable') return reply(416, { 'content-range': `bytes */${size}` });
    if (range) {
      const { start, end } = range;
      return reply(206, { ...common, 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': end - start + 1 }, file.body.subarray(start, end + 1));
    }
    return reply(200, { ...common, 'content-length': size }, file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    files: served,
    faults,
    requests,
    transfers: (path) => requests.filter((r) => r.path === path && (r.status === 200 || r.status === 206)),
    downloads: (path) => requests.filter((r) => r.path === path && (r.status === 200 || r.status === 206) && !isBoundedRange(r.range)),
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The byte range a `bytes=START-[END]` header asks of a file of `size` bytes; null for none or another form. */
export function requestedRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const range = /^bytes=(\d+)-(\d*)$/.exec(header ?? '');
  if (!range) return null;
  const start = Number(range[1]);
  if (start >= size) return 'unsatisfiable';
  return { start, end: range[2] ? Math.min(Number(range[2]), size - 1) : size - 1 };
}

/** Answers a GET for a whole file as a plain file server does: the part a Range asks for, or all of it. */
export function sendFile(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
  const range = requestedRange(req.headers.range, body.length);
  if (range === 'unsatisfiable') return void res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
  if (!range) return void res.writeHead(200, { 'accept-ranges': 'bytes', 'content-length': body.length }).end(body);
  res.writeHead(206, { 'accept-ranges': 'bytes', 'content-range': `bytes ${range.start}-${range.end}/${body.length}`, 'content-length': range.end - range.start + 1 });
  res.end(body.subarray(range.start, range.end + 1));
}

function isBoundedRange(header: string | undefined): boolean {
  return /^bytes=\d+-\d+$/.test(header ?? '');
}

async function sendBody(res: http.ServerResponse, body: Buffer, faults: Faults, record: RecordedRequest, bounded: boolean): Promise<void> {
  const spared = bounded && faults.cutAfterBytes?.downloadsOnly;
  const cut = faults.cutAfterBytes && faults.cutAfterBytes.times > 0 && !spared ? faults.cutAfterBytes : null;
  if (cut) cut.times--;
  const limit = cut ? Math.min(cut.bytes, body.length) : body.length;
  const step = faults.throttle?.bytes ?? 256 * 1024;
  for (let sent = 0; sent < limit; sent += step) {
    const piece = body.subarray(sent, Math.min(sent + step, limit));
    record.bytesSent += piece.length;
    if (!res.write(piece)) await new Promise((resolve) => res.once('drain', resolve));
    if (faults.throttle) await new Promise((resolve) => setTimeout(resolve, faults.throttle!.ms));
    if (res.destroyed) return;
  }
  if (cut) {
    // Give the bytes a moment to leave, then drop the connection as a flaky link would.
    await new Promise((resolve) => setTimeout(resolve, 20));
    res.socket?.destroy();
    return;
  }
  res.end();
}
