/**
 * A file served on 127.0.0.1 at a home line's speed: every response shares one line of a fixed
 * rate (parallel Range requests split it, as they would a real line), and the server answers HEAD
 * and Range requests like a mirror. Whatever way a client downloads (whole, in ranges, resuming),
 * the file cannot arrive faster than `bytes / rate`.
 */
import { open, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestedRange } from '../helpers/image-server';

const PIECE = 64 * 1024;

export interface LineServer {
  url: string;
  /** Body bytes sent so far, over every request. */
  readonly bytesSent: number;
  close(): Promise<void>;
}

/** Until the response takes more, or the client went away. */
function drained(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

/** Serves `file` at `/<name>` at `bytesPerSecond`. */
export async function serveAtLineSpeed(file: string, name: string, bytesPerSecond: number): Promise<LineServer> {
  const { size } = await stat(file);
  const handle = await open(file, 'r');
  let sent = 0;
  /** When the line is free again: each piece books its time on it. */
  let lineFreeAt = 0;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function sendRange(res: http.ServerResponse, start: number, end: number): Promise<void> {
    for (let at = start; at <= end && !res.destroyed; at += PIECE) {
      const length = Math.min(PIECE, end + 1 - at);
      const now = Date.now();
      lineFreeAt = Math.max(now, lineFreeAt) + (length / bytesPerSecond) * 1000;
      await sleep(lineFreeAt - now);
      const { buffer } = await handle.read(Buffer.allocUnsafe(length), 0, length, at);
      sent += length;
      if (!res.write(buffer)) await drained(res);
    }
    res.end();
  }

  const server = http.createServer((req, res) => {
    res.on('error', () => undefined);
    if (new URL(req.url ?? '/', 'http://x').pathname !== `/${name}`) return void res.writeHead(404).end();
    const common = { 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream', etag: `"${size}"` };
    const range = requestedRange(req.headers.range, size);
    if (range === 'unsatisfiable') return void res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    const [start, end] = range ? [range.start, range.end] : [0, size - 1];
    res.writeHead(range ? 206 : 200, { ...common, 'content-length': end - start + 1, ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}) });
    if (req.method === 'HEAD') return void res.end();
    void sendRange(res, start, end).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${name}`,
    get bytesSent() {
      return sent;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => void handle.close().then(() => resolve()));
      }),
  };
}
