/**
 * A request that failed at the proxy, told as such: a person behind a proxy must read that the proxy
 * said no (wrong password, site not allowed, proxy not running), not that the site is down.
 */
import { FiotError } from '../../../shared/errors';
import { currentProxySettings } from './dispatcher';
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
    return new FiotError('PROXY_REFUSED', `The proxy at ${proxyLabel(proxy)} refused the connection to ${target.host}: ${reason(Number(answer[1]))}.`);
  }
  if (typeof cause.code === 'string' && CONNECT_FAILURE.test(cause.code)) {
    return new FiotError('PROXY_REFUSED', `The proxy at ${proxyLabel(proxy)} refused the connection: ${unreachableReason(cause.code)} (${cause.code}), so ${target.host} could not be reached.`);
  }
  return null;
}
