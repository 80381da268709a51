/**
 * The station: the renderer and the API for a browser, so a headless machine (or a machine
 * without Electron) flashes cards from a browser tab. Loopback only unless asked otherwise, and
 * nothing at all without the token printed in its URL.
 */
import { createServer as createHttpServer, type IncomingMessage, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { FiotError } from '../../shared/errors';
import type { Core } from '../core/app-core';
import { displayHost } from './addresses';
import { checkToken, cookieName, hostAllowed, originAllowed } from './access';
import { serveSocket, MAX_MESSAGE_BYTES } from './socket-api';
import { securityHeaders, sendText } from './responses';
import { readStaticFile } from './static-files';
import { createToken } from './token';
import { createUploadRoute } from './upload-route';
import { UPLOAD_PATH_PREFIX } from '../../shared/station-upload';
import { appPath } from '../core/app-paths';

export const DEFAULT_RENDERER_DIR = appPath('dist', 'renderer');

export interface StationOptions {
  core: Core;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The address to listen on; 127.0.0.1 unless the person asks for another. */
  listen?: string;
  rendererDir?: string;
  /** Fixed only by tests; normally a fresh random token per run. */
  token?: string;
  /** Serve HTTPS with this certificate (PEM); the command does so whenever it listens off-host. */
  tls?: { cert: string; key: string };
  /** Shortened only by tests, so a stalled upload or a slow client is cut within seconds. */
  timeouts?: Partial<StationTimeouts>;
}

/** Slow or idle clients must not hold sockets open indefinitely. */
export interface StationTimeouts {
  /** From a request's first byte to the end of its headers. */
  headersMs: number;
  /** From a request's headers to the end of its body, except an upload's. */
  requestMs: number;
  /** The longest an upload may go without a byte arriving (a long upload is fine while it moves). */
  uploadStallMs: number;
  /**
   * Each span this long, an upload must bring at least the floor rate's worth of bytes: a client
   * dripping a byte now and then never stalls, and would otherwise hold the only upload slot.
   */
  uploadRateWindowMs: number;
}

const DEFAULT_TIMEOUTS: StationTimeouts = { headersMs: 10_000, requestMs: 30_000, uploadStallMs: 30_000, uploadRateWindowMs: 30_000 };

export interface Station {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function urlOf(request: IncomingMessage): URL {
  return new URL(request.url ?? '/', 'http://station.invalid');
}

function listenError(error: NodeJS.ErrnoException, listen: string, port: number): FiotError {
  if (error.code === 'EADDRINUSE') return new FiotError('PREFLIGHT_FAILED', `Port ${port} on ${listen} is already in use.`, 'Choose another with --port, or leave --port out to get a free one.');
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
    return new FiotError('INVALID_INPUT', `${listen} is not an address of this machine.`, 'Leave --listen out (this machine only), or give one of this machine’s own addresses.');
  }
  if (error.code === 'EACCES') return new FiotError('PERMISSION_DENIED', `Listening on port ${port} needs privileges.`, 'Use a port above 1023, or leave --port out.');
  return new FiotError('INTERNAL', `The station could not listen on ${listen}:${port}: ${error.message}`);
}

const statusText: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 421: 'Misdirected Request' };

/** An upgrade refused before it became a WebSocket: a plain HTTP answer on the raw socket. */
function refuseUpgrade(socket: Socket, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${statusText[status] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${reason}\n`);
}

/**
 * Node's own requestTimeout counts an upload's body too and would cut a multi-gigabyte one after
 * `requestMs`: it stays off, and every request but an upload gets this deadline instead (an
 * upload has the route's stall timer).
 */
function limitRequestTime(request: IncomingMessage, ms: number): void {
  const timer = setTimeout(() => request.socket.destroy(), ms);
  const done = () => clearTimeout(timer);
  request.once('end', done);
  request.once('close', done);
}

/** An upload's name as sent, before URL parsing would resolve a `..` segment away. */
function uploadPathName(request: IncomingMessage): string | null {
  const rawPath = (request.url ?? '/').split('?')[0]!;
  return rawPath.startsWith(UPLOAD_PATH_PREFIX) ? rawPath.slice(UPLOAD_PATH_PREFIX.length) : null;
}

export async function startStation(options: StationOptions): Promise<Station> {
  const listen = options.listen ?? '127.0.0.1';
  const rendererDir = options.rendererDir ?? DEFAULT_RENDERER_DIR;
  const token = options.token ?? createToken();
  const credentials = { token, assetPass: createToken() };
  const secure = options.tls !== undefined;
  let port = 0;
  const misdirected = `This station answers only to the address it printed (${displayHost(listen)}) or localhost.`;
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const upload = createUploadRoute({
    folder: options.core.grants.uploadFolder,
    stallMs: timeouts.uploadStallMs,
    rateWindowMs: timeouts.uploadRateWindowMs,
    originAllowed: (origin) => originAllowed(origin, listen, port, secure),
  });

  const handleRequest: RequestListener = async (request, response) => {
    securityHeaders(response);
    const encodedUploadName = uploadPathName(request);
    // An upload's body may be gigabytes: a refused one is never read, its connection closes instead.
    if (encodedUploadName !== null) response.setHeader('Connection', 'close');
    else limitRequestTime(request, timeouts.requestMs);
    if (!hostAllowed(request.headers.host, listen, port, secure)) return sendText(response, 421, misdirected);
    const url = urlOf(request);
    const access = checkToken(request, url, credentials, port, encodedUploadName !== null ? 'upload' : 'file');
    if (!access.ok) return sendText(response, access.status, access.reason);
    if (encodedUploadName !== null) return upload(request, response, encodedUploadName);
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, 'Only GET is served here.');
    const file = await readStaticFile(rendererDir, url.pathname);
    if (!file) {
      if (url.pathname === '/') return sendText(response, 503, `The app’s page is not built yet (${rendererDir} is missing). Run \`npm run build\`, then reload.`);
      return sendText(response, 404, 'Not found.');
    }
    const headers: Record<string, string | number> = {
      'Content-Type': file.contentType,
      'Content-Length': file.body.length,
      'Cache-Control': file.isPage ? 'no-store' : 'private, max-age=3600',
    };
    // Never the token: any page on another port of this host receives this cookie too (access.ts).
    if (access.fromQuery) headers['Set-Cookie'] = `${cookieName(port)}=${credentials.assetPass}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : file.body);
  };
  // Node looks for expired headers only every connectionsCheckingInterval (30 s by default).
  const httpOptions = { connectionsCheckingInterval: Math.min(1000, timeouts.headersMs), headersTimeout: timeouts.headersMs, requestTimeout: 0 };
  const server = options.tls ? createHttpsServer({ ...httpOptions, cert: options.tls.cert, key: options.tls.key }, handleRequest) : createHttpServer(httpOptions, handleRequest);

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    // Node hands the raw socket over without its own error listener: a client that resets the
    // connection would otherwise throw out of the process and end every flash with it.
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, reason: string) => refuseUpgrade(socket, status, reason);
    if (!hostAllowed(request.headers.host, listen, port, secure)) return refuse(421, misdirected);
    const url = urlOf(request);
    if (url.pathname !== '/api') return refuse(404, 'The API is at /api.');
    const access = checkToken(request, url, credentials, port, 'api');
    if (!access.ok) return refuse(access.status, access.reason);
    if (!originAllowed(request.headers.origin, listen, port, secure)) return refuse(403, 'This page’s origin may not use the station.');
    sockets.handleUpgrade(request, socket, head, (ws) => serveSocket(ws, options.core.router));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenError(error as NodeJS.ErrnoException, listen, options.port ?? 0)));
    server.listen(options.port ?? 0, listen, () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `${secure ? 'https' : 'http'}://${displayHost(listen)}:${port}/?token=${token}`,
    port,
    token,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
