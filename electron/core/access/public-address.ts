/**
 * What a station fetches for its clients: never this machine itself. A client on the network who
 * could make the station fetch `http://127.0.0.1:<port>/` (or a link-local address, such as a
 * cloud's metadata service at 169.254.169.254) would read, map and cache services that answer
 * only locally. So for a station client every hop of a fetch, redirects included, is checked: an
 * address written as a number before connecting, a name once resolved (the connection then goes
 * to the address that was checked, so a name that resolves differently the second time gains
 * nothing). The app and the CLI are the person's own and may fetch from loopback.
 */
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
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
export function internalTargetError(url: string): FiotError {
  return new FiotError('NETWORK', `Could not fetch ${url}: a station does not fetch from its own machine or from link-local addresses.`, 'Give the address of a server on the network or the internet.');
}

/** Throws when `url` names an internal address as a number (names are checked by publicOnlyLookup). */
export function refuseInternalLiteral(url: URL): void {
  if (isInternalAddress(url.hostname)) throw internalTargetError(url.href);
}

/**
 * Refuses a URL whose host is, or resolves to, an internal address, before any request: the
 * client hears at once instead of from a download in the background. A name that does not
 * resolve is left to the fetch, which reports it like any unreachable server.
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

/** Marks the lookup's refusal, so the request's error handler can tell it from a network failure. */
export class InternalTargetRefused extends Error {
  constructor(readonly hostname: string) {
    super(`${hostname} resolves to an internal address`);
  }
}

/** dns.lookup for http(s) requests that refuses a name resolving to any internal address. */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    if (addresses.length === 0 || addresses.some(({ address }) => isInternalAddress(address))) return callback(new InternalTargetRefused(hostname), '', 0);
    if (options.all) return (callback as unknown as (error: null, all: dns.LookupAddress[]) => void)(null, addresses);
    const [first] = addresses;
    return callback(null, first!.address, first!.family);
  });
};
