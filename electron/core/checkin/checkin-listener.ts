/**
 * The HTTPS endpoint devices report to. It answers one thing, POST /checkin with a bearer token
 * and a small form body, and refuses everything else early: over the rate limit 429 before
 * reading, a body over MAX_CHECKIN_BYTES 413 unread, no token 401, a token it does not know 403,
 * one already used 409. It holds no secret itself: `accept` decides with the token's hash.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHECKIN_PATH, MAX_CHECKIN_BYTES, checkinReportSchema, type CheckinReport } from '../../../shared/domain/checkin';
import { FiotError } from '../../../shared/errors';
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimits } from './rate-limit';

export type Acceptance = 'taken' | 'replayed' | 'unknown';

export interface CheckinListenerOptions {
  address: string;
  port: number;
  tls: { cert: string; key: string };
  /** Called with the sha256 (hex) of the token sent, the report, and the address it came from. */
  accept(tokenSha256: string, report: CheckinReport, from: string): Promise<Acceptance>;
  limits?: RateLimits;
}

export interface CheckinListener {
  port: number;
  close(): Promise<void>;
}

const answers: Record<Acceptance, { status: number; text: string }> = {
  taken: { status: 204, text: '' },
  replayed: { status: 409, text: 'This card has already reported.' },
  unknown: { status: 403, text: 'This token is not one the app is waiting for.' },
};

function send(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close', ...headers });
  response.end(text ? `${text}\n` : undefined);
}

/** The body, or null once it passes MAX_CHECKIN_BYTES (the rest is drained unkept; 413 closes the connection). */
function readBody(request: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const collect = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_CHECKIN_BYTES) return void chunks.push(chunk);
      request.off('data', collect);
      request.resume();
      resolve(null);
    };
    request.on('data', collect);
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', () => resolve(null));
  });
}

function bearer(header: string | undefined): string | null {
  const match = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(header ?? '');
  return match ? match[1]! : null;
}

export function tokenSha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

async function handle(options: CheckinListenerOptions, limiter: RateLimiter, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const from = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  if (!limiter.allow(from)) return send(response, 429, 'Too many reports; try again later.', { 'Retry-After': String(limiter.retryAfterSeconds()) });
  if ((request.url ?? '').split('?')[0] !== CHECKIN_PATH) return send(response, 404, `Reports go to ${CHECKIN_PATH}.`);
  if (request.method !== 'POST') return send(response, 405, 'Only POST is taken here.', { Allow: 'POST' });
  if (Number(request.headers['content-length'] ?? 0) > MAX_CHECKIN_BYTES) return send(response, 413, `A report is at most ${MAX_CHECKIN_BYTES} bytes.`);
  const token = bearer(request.headers.authorization);
  if (!token) return send(response, 401, 'A report needs its card’s token (Authorization: Bearer …).');
  const body = await readBody(request);
  if (body === null) return send(response, 413, `A report is at most ${MAX_CHECKIN_BYTES} bytes.`);
  const parsed = checkinReportSchema.safeParse(Object.fromEntries(new URLSearchParams(body)));
  if (!parsed.success) return send(response, 400, `The report does not read: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  const answer = answers[await options.accept(tokenSha256(token), parsed.data, from)];
  send(response, answer.status, answer.text);
}

export async function startCheckinListener(options: CheckinListenerOptions): Promise<CheckinListener> {
  const limiter = new RateLimiter(options.limits ?? DEFAULT_RATE_LIMITS);
  const server: Server = createServer({ cert: options.tls.cert, key: options.tls.key, headersTimeout: 10_000, requestTimeout: 15_000, connectionsCheckingInterval: 1000 }, (request, response) => {
    handle(options, limiter, request, response).catch(() => response.destroy());
  });
  // A device dropping its connection mid-handshake must not end the process.
  server.on('tlsClientError', (_error, socket) => socket.destroy());
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const hint = 'Pick one of this machine’s own addresses that the devices can reach.';
      reject(error.code === 'EADDRNOTAVAIL' ? new FiotError('INVALID_INPUT', `${options.address} is not an address of this machine.`, hint) : new FiotError('PREFLIGHT_FAILED', `Check-ins cannot be received on ${options.address}:${options.port}: ${error.message}`, hint));
    });
    server.listen(options.port, options.address, () => resolve());
  });
  // Awaiting devices alone must not keep a process alive: the app or the station does, while it runs.
  server.unref();
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
