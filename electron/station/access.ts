/**
 * Who may talk to the station. The page URL carries the token (`?token=`); the page's own assets
 * and the socket cannot all carry it in their URL, so the first authorised page load also sets it
 * as a strict, HttpOnly cookie. No token: 401. A wrong token: 403. A socket opened from a page of
 * another origin: 403 (a website the person visits must not drive the station, even by guessing).
 */
import type { IncomingMessage } from 'node:http';
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

const ipLiteral = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])(:\d+)?$/i;

/**
 * A browser always sends Origin on a WebSocket handshake; scripts and tests may not, and they
 * still need the token. The origin must be this station: a loopback name on our port, the address
 * we listen on, or (listening on every address) the IP literal the page was loaded from. Names
 * other than localhost are refused, so DNS rebinding cannot make a foreign page look like ours.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, listen: string, port: number): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' || Number(parsed.port || 80) !== port) return false;
  const allowed = new Set(['127.0.0.1', 'localhost', '[::1]', listen.includes(':') ? `[${listen}]` : listen]);
  if (allowed.has(parsed.hostname)) return true;
  const wildcard = listen === '0.0.0.0' || listen === '::';
  return wildcard && host !== undefined && ipLiteral.test(host) && parsed.host === host;
}
