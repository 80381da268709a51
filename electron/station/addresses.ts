/**
 * The addresses a station serves, in the forms a browser puts in its Host header: what the Host
 * check accepts, what the HTTPS certificate names, and whether the station is reachable off-host.
 */
import os from 'node:os';

const wildcards = new Set(['0.0.0.0', '::']);

export function isWildcard(listen: string): boolean {
  return wildcards.has(listen);
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopback(listen: string): boolean {
  return listen === 'localhost' || listen === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(listen);
}

/** An address as it appears in a URL's host: IPv6 in brackets. */
export function urlHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** The address the station prints in its URL: on every address, this machine's own loopback one. */
export function displayHost(listen: string): string {
  return isWildcard(listen) ? '127.0.0.1' : urlHost(listen);
}

/**
 * Every address a client can reach the station on: the loopback ones (a name like localhost
 * cannot be rebound by a website), the listen address, and on a wildcard every interface's own.
 */
export function servedAddresses(listen: string): string[] {
  const addresses = new Set(['127.0.0.1', '::1', listen]);
  if (isWildcard(listen)) {
    for (const info of Object.values(os.networkInterfaces()).flat()) if (info) addresses.add(info.address);
    addresses.delete(listen);
  }
  return [...addresses];
}
