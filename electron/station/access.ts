/**
 * Who may talk to the station, and with what. The token travels only where the page's own script
 * puts it: the page's URL (`?token=`), the socket's URL, and the upload header. Cookies ignore
 * ports, so a page served on any other port of this host receives every cookie the station sets:
 * the cookie holds only an asset pass, a random value that opens the app's own files (the page's
 * scripts and styles cannot carry the token in their URLs) and neither the socket nor an upload.
 * No credential: 401. A wrong one: 403. A socket opened from a page of another origin: 403 (a
 * website the person visits must not drive the station, even by guessing).
 */
import type { IncomingMessage } from 'node:http';
import { UPLOAD_HEADER } from '../../shared/station-upload';
import { servedAddresses, urlHost } from './addresses';
import { tokenMatches } from './token';

export type AccessDecision = { ok: true; fromQuery: boolean } | { ok: false; status: 401 | 403; reason: string };

/** What a request asks for: one of the app's files, the API socket, or an upload. */
export type Route = 'file' | 'api' | 'upload';

export interface Credentials {
  token: string;
  /** The cookie's value: opens the app's files only. */
  assetPass: string;
}

/** Cookie names ignore ports: name it after the port so two stations on one machine do not collide. */
export function cookieName(port: number): string {
  return `fiot_station_${port}`;
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

const NEEDS_TOKEN = 'This station needs its token: open the URL it printed, with ?token=…';

export function checkToken(request: IncomingMessage, url: URL, credentials: Credentials, port: number, route: Route): AccessDecision {
  const header = request.headers[UPLOAD_HEADER.toLowerCase()];
  const given = route === 'upload' ? (typeof header === 'string' ? header : null) : url.searchParams.get('token');
  if (given !== null) {
    if (tokenMatches(given, credentials.token)) return { ok: true, fromQuery: route !== 'upload' };
    return { ok: false, status: 403, reason: 'The token is not this station’s. Open the URL the station printed when it started.' };
  }
  const pass = route === 'file' ? cookieValue(request.headers.cookie, cookieName(port)) : null;
  if (pass === null) return { ok: false, status: 401, reason: NEEDS_TOKEN };
  if (tokenMatches(pass, credentials.assetPass)) return { ok: true, fromQuery: false };
  return { ok: false, status: 403, reason: 'The token is not this station’s. Open the URL the station printed when it started.' };
}

/** A Host header's name and port, or null when it is not `name[:port]`. */
function parseHost(host: string): { name: string; port: number | null } | null {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(host);
  if (!match) return null;
  return { name: match[1]!.toLowerCase(), port: match[2] === undefined ? null : Number(match[2]) };
}

/**
 * DNS rebinding: a website can point its own name at this machine, and the browser then sends
 * that name as Host. Only the station's own addresses (and localhost, which no website can
 * rebind) on its own port are answered.
 */
export function hostAllowed(host: string | undefined, listen: string, port: number, secure: boolean): boolean {
  const parsed = host === undefined ? null : parseHost(host);
  if (!parsed || (parsed.port ?? (secure ? 443 : 80)) !== port) return false;
  return parsed.name === 'localhost' || servedAddresses(listen).some((address) => urlHost(address) === parsed.name);
}

/**
 * A browser always sends Origin on a WebSocket handshake; scripts and tests may not, and they
 * still need the token. The origin must be a page of this station: its scheme, one of the hosts
 * it answers to, its port. A page of any other origin may not drive it, even holding the token.
 */
export function originAllowed(origin: string | undefined, listen: string, port: number, secure: boolean): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.protocol !== (secure ? 'https:' : 'http:') || parsed.pathname !== '/') return false;
  return hostAllowed(parsed.host, listen, port, secure);
}
