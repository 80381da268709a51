/**
 * One HTTP(S) GET through the app's dispatcher (so proxies apply), following redirects (never from
 * https to http), with the response body left unread for the caller to stream. Kept apart from the
 * download loop so that loop reads as policy (resume, retry, failover) rather than socket plumbing.
 */
import type { Readable } from 'node:stream';
import { request } from 'undici';
import { FiotError } from '../../../../shared/errors';
import { netDispatcher } from '../../net/dispatcher';
import { proxyRefusal } from '../../net/proxy-refusal';
import { refuseInternalUrl } from '../../access/public-address';

const MAX_REDIRECTS = 8;
// A server that accepts the connection and then says nothing, before or during the body, must not hang a download forever.
const SILENCE_TIMEOUT_MS = 30_000;

export interface GetResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
  /** The URL that answered, after redirects. */
  url: string;
}

function parseHttpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a URL: ${url}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`unsupported protocol ${parsed.protocol} in ${url}`);
  return parsed;
}

export interface GetOptions {
  /**
   * For a station client: every hop, redirects included, must name a public address
   * (access/public-address.ts), checked before it is requested.
   */
  publicOnly?: boolean;
}

export async function httpGet(url: string, headers: Record<string, string>, signal?: AbortSignal, options: GetOptions = {}, redirects = 0): Promise<GetResponse> {
  const parsed = parseHttpUrl(url);
  if (options.publicOnly) await refuseInternalUrl(url);
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(parsed, {
      method: 'GET',
      headers: { 'user-agent': 'fedora-iot-flasher', ...headers },
      signal,
      dispatcher: netDispatcher(),
      headersTimeout: SILENCE_TIMEOUT_MS,
      bodyTimeout: SILENCE_TIMEOUT_MS,
    });
  } catch (error) {
    throw proxyRefusal(url, error) ?? error;
  }
  const status = response.statusCode;
  const location = response.headers.location;
  if (status >= 300 && status < 400 && typeof location === 'string') {
    response.body.resume();
    if (redirects >= MAX_REDIRECTS) throw new Error(`too many redirects from ${url}`);
    const next = new URL(location, parsed);
    // A secure request must stay secure: an https → http hop would let anyone on the path swap the bytes.
    if (parsed.protocol === 'https:' && next.protocol !== 'https:') {
      throw new FiotError('INSECURE_REDIRECT', `${url} redirected to ${next.toString()}, which is not https; nothing was downloaded from it.`);
    }
    return httpGet(next.toString(), headers, signal, options, redirects + 1);
  }
  return { status, headers: response.headers, body: response.body, url };
}
