/**
 * What a station fetches for its clients: never this machine itself. A client on the network who
 * could make the station fetch `http://127.0.0.1:<port>/` (or a link-local address, such as a
 * cloud's metadata service at 169.254.169.254) would read, map and cache services that answer
 * only locally. So for a station client every hop of a fetch, redirects included, is checked
 * before it is requested: an address written as a number, and every address a name resolves to.
 * (Requests go through the app's dispatcher, which may use a proxy: the proxy then connects, so
 * the check is made on the name, not on the connection.) The app and the CLI are the person's own
 * and may fetch from loopback.
 */
import dns from 'node:dns';
import { BlockList, isIP } from 'node:net';
import os from 'node:os';
import { FiotError } from '../../../shared/errors';

function internalAddresses(): BlockList {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addSubnet('0.0.0.0', 8, 'ipv4');
  list.addSubnet('169.254.0.0', 16, 'ipv4');
  list.addAddress('::1', 'ipv6');
  list.addAddress('::', 'ipv6');
  list.addSubnet('fe80::', 10, 'ipv6');
  // This machine's own addresses: a service bound to every interface answers on them too.
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const { address, family } of addresses ?? []) list.addAddress(address.replace(/%.*$/, ''), family === 'IPv6' ? 'ipv6' : 'ipv4');
  }
  return list;
}

/** True for loopback, link-local, unspecified and this machine's own addresses (IPv4-mapped IPv6 included). */
export function isInternalAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return false;
  return internalAddresses().check(bare, family === 6 ? 'ipv6' : 'ipv4');
}

/** The refusal a station client reads: the same for every port, so it maps nothing. */
function internalTargetError(url: string): FiotError {
  return new FiotError('NETWORK', `Could not fetch ${url}: a station does not fetch from its own machine or from link-local addresses.`, 'Give the address of a server on the network or the internet.');
}

/** Throws when `url` names an internal address as a number. */
function refuseInternalLiteral(url: URL): void {
  if (isInternalAddress(url.hostname)) throw internalTargetError(url.href);
}

/**
 * Refuses a URL whose host is, or resolves to, an internal address, before it is requested: the
 * handlers call it so the client hears at once instead of from a download in the background, and
 * httpGet calls it again at every redirect. A name that does not resolve is left to the fetch,
 * which reports it like any unreachable server.
 */
export async function refuseInternalUrl(text: string): Promise<void> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return;
  }
  refuseInternalLiteral(url);
  if (isIP(url.hostname.replace(/^\[|\]$/g, ''))) return;
  const addresses = await dns.promises.lookup(url.hostname, { all: true }).catch(() => []);
  if (addresses.some(({ address }) => isInternalAddress(address))) throw internalTargetError(url.href);
}
