/**
 * A request that failed at the proxy, told as such: a person behind a proxy must read that the proxy
 * said no (wrong password, site not allowed, proxy not running), not that the site is down.
 */
import { FiotError } from '../../../shared/errors';
import { currentProxySettings } from './dispatcher';
import { isNearbyHost } from './nearby-host';
import { proxyFor, proxyLabel } from './proxy-settings';

// Failures of the connection to the proxy itself: with a proxy, the only socket the app opens is to it.
const CONNECT_FAILURE = /^(ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT_TIMEOUT)$/;
// How undici reports a proxy that answered CONNECT with anything but 200.
const TUNNEL_ANSWER = /Proxy response \((\d{3})\)/;

function unreachableReason(code: string): string {
  if (code === 'ECONNREFUSED') return 'nothing answers there';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'its name could not be looked up';
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'it did not answer in time';
  return 'it cannot be reached';
}

function reason(status: number): string {
  if (status === 407) return `it asks for a user name and password (HTTP 407); put them in the proxy address, as http://user:password@proxy:port`;
  if (status === 403) return 'it does not allow this site (HTTP 403)';
  return `it answered HTTP ${status} instead of connecting`;
}

/** fetch wraps the transport error in a TypeError; undici's own request does not. */
function transportError(error: unknown): NodeJS.ErrnoException | null {
  if (!(error instanceof Error)) return null;
  if (error.cause instanceof Error) return transportError(error.cause) ?? (error as NodeJS.ErrnoException);
  return error as NodeJS.ErrnoException;
}

/**
 * PROXY_REFUSED, knowing whether the proxy itself answered no (403, 407...) or could not be reached
 * at all: only an answer says something about the site asked for.
 */
export class ProxyRefusal extends FiotError {
  constructor(message: string, readonly answered: boolean, hint?: string) {
    super('PROXY_REFUSED', message, hint);
  }
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** The host and port a proxy is asked to connect to (what its log shows): `127.0.0.1:8420`, `example.org:443`. */
export function connectTarget(url: URL): string {
  return `${url.hostname}:${url.port || DEFAULT_PORTS[url.protocol] || ''}`;
}

/**
 * How to let a refused host through: one on this machine or its network is reached directly, by
 * naming it in NO_PROXY; null for another site, which only whoever runs the proxy can allow.
 */
export function letThroughWords(url: URL): string | null {
  if (!isNearbyHost(url.hostname)) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return `${host} is on this machine or your network: put it in NO_PROXY (NO_PROXY=${host}, or noProxy in the settings file) so it is reached directly, not through the proxy.`;
}

/** "The proxy at … refused the connection to your mirror at host:port (its address)", and how to let it through. */
export function mirrorRefusedWords(mirror: string, env: NodeJS.ProcessEnv = process.env): { refused: string; letThrough: string } {
  const url = new URL(mirror);
  const proxy = proxyFor(url, currentProxySettings(env));
  return {
    refused: `${proxy ? `The proxy at ${proxyLabel(proxy)}` : 'The proxy'} refused the connection to your mirror at ${connectTarget(url)} (${mirror})`,
    letThrough: letThroughWords(url) ?? `Ask whoever runs the proxy to allow ${connectTarget(url)}, or put ${url.hostname} in NO_PROXY if it can be reached directly.`,
  };
}

/**
 * A download the proxy refused after it had refused the person's own mirror too: the mirror comes
 * first (it is the server they meant, and the one they can let through), then the site the image
 * was asked of instead. Said alone, the other site's refusal sent a person to the wrong server.
 */
export function mirrorRefusal(mirror: string, otherUrl: string, env: NodeJS.ProcessEnv = process.env): FiotError {
  const { refused, letThrough } = mirrorRefusedWords(mirror, env);
  return new ProxyRefusal(`${refused}, so the image was asked of ${connectTarget(new URL(otherUrl))} instead, and the proxy refused that too: nothing was downloaded.`, true, letThrough);
}

/** PROXY_REFUSED when this failed request to `url` went to a proxy that refused it; otherwise null. */
export function proxyRefusal(url: string, error: unknown, env: NodeJS.ProcessEnv = process.env): FiotError | null {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return null;
  }
  const proxy = proxyFor(target, currentProxySettings(env));
  const cause = transportError(error);
  if (!proxy || !cause) return null;
  const answer = TUNNEL_ANSWER.exec(cause.message);
  if (answer) {
    const letThrough = letThroughWords(target);
    return new ProxyRefusal(`The proxy at ${proxyLabel(proxy)} refused the connection to ${connectTarget(target)}: ${reason(Number(answer[1]))}.${letThrough ? ` ${letThrough}` : ''}`, true);
  }
  if (typeof cause.code === 'string' && CONNECT_FAILURE.test(cause.code)) {
    return new ProxyRefusal(`The proxy at ${proxyLabel(proxy)} refused the connection: ${unreachableReason(cause.code)} (${cause.code}), so ${target.host} could not be reached.`, false);
  }
  return null;
}
