/**
 * Whether a host is on this machine or the local network: a server there (a person's own mirror)
 * is usually not what a proxy is for, and a proxy that refuses it is fixed by reaching it directly
 * (NO_PROXY), not by asking whoever runs the proxy.
 */
import { BlockList, isIP } from 'node:net';

const NEARBY = new BlockList();
for (const [network, prefix] of [['127.0.0.0', 8], ['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['169.254.0.0', 16], ['100.64.0.0', 10]] as const) NEARBY.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::1', 128], ['fc00::', 7], ['fe80::', 10]] as const) NEARBY.addSubnet(network, prefix, 'ipv6');

/** Names only a local network resolves: a single label (`mirror`), and the suffixes set aside for it. */
const LOCAL_NAME = /^(localhost|[^.]+)$|\.(localhost|local|lan|home\.arpa|internal)$/i;

export function isNearbyHost(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '').replace(/^::ffff:(?=\d+\.)/i, '');
  const family = isIP(bare);
  if (family === 0) return LOCAL_NAME.test(bare);
  return NEARBY.check(bare, family === 6 ? 'ipv6' : 'ipv4');
}
