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

/**
 * The refusal a station client reads: what was refused and why, and the station's switch that
 * allows it (a person serving a mirror on the station's own machine needs it). The words depend
 * only on the address, never on whether a port is open, so they map nothing.
 */
function internalTargetError(address: string, what: string): FiotError {
  const bare = address.replace(/^\[|\]$/g, '').replace(/^::ffff:/i, '');
  const linkLocal = /^169\.254\./.test(bare) || /^fe[89ab][0-9a-f]:/i.test(bare);
  const where = linkLocal ? `is at a link-local address (${bare})` : 'is on this machine (the station’s own)';
  return new FiotError('LOCAL_ADDRESS_REFUSED', `${what} ${where}: the station fetches from such addresses only when it was started with --fetch-local, so nothing was fetched.`);
}

/** Throws when `url` names an internal address as a number. */
function refuseInternalLiteral(url: URL, what: string): void {
  if (isInternalAddress(url.hostname)) throw internalTargetError(url.hostname, what);
}

/**
 * Refuses a URL whose host is, or resolves to, an internal address, before it is requested: the
 * handlers call it so the client hears at once instead of from a download in the background, and
 * httpGet calls it again at every redirect. A name that does not resolve is left to the fetch,
 * which reports it like any unreachable server. `what` names the address in the refusal (the
 * handlers say "Your mirror at …" for the configured images tree).
 */
export async function refuseInternalUrl(text: string, what = text): Promise<void> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return;
  }
  refuseInternalLiteral(url, what);
  if (isIP(url.hostname.replace(/^\[|\]$/g, ''))) return;
  const addresses = await dns.promises.lookup(url.hostname, { all: true }).catch(() => []);
  const internal = addresses.find(({ address }) => isInternalAddress(address));
  if (internal) throw internalTargetError(internal.address, what);
}

/**
 * refuseInternalUrl for an image a client asked for: one under the configured images tree
 * (FIOT_IOT_IMAGES_URL, what the catalog lists) is named as the person's mirror, which is what
 * they set up and will recognise.
 */
export async function refuseInternalImageUrl(url: string, iotImagesUrl: string): Promise<void> {
  const base = iotImagesUrl.endsWith('/') ? iotImagesUrl : `${iotImagesUrl}/`;
  await refuseInternalUrl(url, url.startsWith(base) ? `Your mirror at ${base}` : url);
}
