/**
 * Who may talk to the station. The page URL carries the token (`?token=`); the page's own assets
 * and the socket cannot all carry it in their URL, so the first authorised page load also sets it
 * as a strict, HttpOnly cookie. No token: 401. A wrong token: 403. A socket opened from a page of
 * another origin: 403 (a website the person visits must not drive the station, even by guessing).
 */
import type { IncomingMessage } from 'node:http';
import { servedAddresses, urlHost } from './addresses';
import { tokenMatches } from './token';

export type AccessDecision = { ok: true; fromQuery: boolean } | { ok: false; status: 401 | 403; reason: string };

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

export function checkToken(request: IncomingMessage, url: URL, token: string, port: number): AccessDecision {
  const fromQuery = url.searchParams.get('token');
  const fromCookie = cookieValue(request.headers.cookie, cookieName(port));
  if (fromQuery === null && fromCookie === null) return { ok: false, status: 401, reason: 'This station needs its token: open the URL it printed, with ?token=…' };
  if (fromQuery !== null ? tokenMatches(fromQuery, token) : tokenMatches(fromCookie, token)) return { ok: true, fromQuery: fromQuery !== null };
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
