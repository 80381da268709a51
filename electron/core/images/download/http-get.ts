/**
 * One HTTP(S) GET on node's own http/https, following redirects (never from https to http), with
 * the response body left unread for the caller to stream. Kept apart from the download loop so that
 * loop reads as policy (resume, retry, failover) rather than socket plumbing.
 */
import http from 'node:http';
import https from 'node:https';
import { FiotError } from '../../../../shared/errors';

const MAX_REDIRECTS = 8;
const CONNECT_TIMEOUT_MS = 30_000;

export interface GetResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
  /** The URL that answered, after redirects. */
  url: string;
}

export function httpGet(url: string, headers: Record<string, string>, signal?: AbortSignal, redirects = 0): Promise<GetResponse> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new Error(`not a URL: ${url}`));
      return;
    }
    const client = parsed.protocol === 'https:' ? https : parsed.protocol === 'http:' ? http : null;
    if (!client) {
      reject(new Error(`unsupported protocol ${parsed.protocol} in ${url}`));
      return;
    }
    const request = client.get(parsed, { headers: { 'user-agent': 'fedora-iot-flasher', ...headers }, signal });
    // A server that accepts the connection and then says nothing must not hang a download forever.
    request.setTimeout(CONNECT_TIMEOUT_MS, () => request.destroy(new Error(`no answer from ${parsed.host} in ${CONNECT_TIMEOUT_MS / 1000} s`)));
    request.on('error', reject);
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) {
          reject(new Error(`too many redirects from ${url}`));
          return;
        }
        const next = new URL(location, parsed);
        // A secure request must stay secure: an https → http hop would let anyone on the path swap the bytes.
        if (parsed.protocol === 'https:' && next.protocol !== 'https:') {
          reject(new FiotError('INSECURE_REDIRECT', `${url} redirected to ${next.toString()}, which is not https; nothing was downloaded from it.`));
          return;
        }
        httpGet(next.toString(), headers, signal, redirects + 1).then(resolve, reject);
        return;
      }
      resolve({ status, headers: response.headers, body: response, url });
    });
  });
}
