/**
 * This machine's addresses a device on the network might reach it at, for the check-in. A device
 * never reaches the app at a loopback address (127.0.0.1 and ::1 are the device's own), nor at an
 * IPv6 link-local one (fe80::), which means nothing without the interface's scope the device
 * would have to name itself; so neither is offered. The rest are ordered so the likeliest LAN
 * address comes first: a private IPv4 address on a real network card before one on a container or
 * VPN bridge (docker0, virbr0, wg0...), IPv4 before IPv6.
 */
import os from 'node:os';

/** One address of one interface, as `os.networkInterfaces()` lists it. */
export interface InterfaceAddress {
  interfaceName: string;
  address: string;
  family: 'IPv4' | 'IPv6';
  internal: boolean;
}

/** Interfaces a container engine, virtual machine or VPN makes: the devices are rarely behind them. */
const VIRTUAL_INTERFACE = /^(docker|br-|virbr|veth|podman|cni|flannel|vboxnet|vmnet|tun|tap|wg|tailscale|zt|lxc|lxd)/;

function isLoopback(info: InterfaceAddress): boolean {
  return info.internal || info.address.startsWith('127.') || info.address === '::1';
}

function isUnscopedLinkLocal(info: InterfaceAddress): boolean {
  return info.family === 'IPv6' && /^fe[89ab]/i.test(info.address) && !info.address.includes('%');
}

const PRIVATE_V4 = /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/;

/** Lower is likelier: the kind of address a device on the same LAN reaches a computer at. */
function addressRank(info: InterfaceAddress): number {
  if (info.family === 'IPv4') {
    if (PRIVATE_V4.test(info.address)) return 0;
    // Self-assigned (no DHCP server answered): reachable only by devices that self-assigned too.
    if (info.address.startsWith('169.254.')) return 4;
    return 1;
  }
  // Unique local IPv6 (fc00::/7): a site's own network, before globally routed addresses.
  return /^f[cd]/i.test(info.address) ? 2 : 3;
}

/** The addresses to offer, likeliest first; empty when this machine has none but loopback. */
export function reachableAddresses(infos: InterfaceAddress[]): string[] {
  const offered = infos.filter((info) => !isLoopback(info) && !isUnscopedLinkLocal(info));
  const ranked = offered
    .map((info, index) => ({ info, index, virtual: VIRTUAL_INTERFACE.test(info.interfaceName) ? 1 : 0 }))
    .sort((a, b) => a.virtual - b.virtual || addressRank(a.info) - addressRank(b.info) || a.index - b.index);
  return [...new Set(ranked.map(({ info }) => info.address))];
}

function machineAddresses(): InterfaceAddress[] {
  return Object.entries(os.networkInterfaces()).flatMap(([interfaceName, infos]) =>
    (infos ?? []).map((info) => ({ interfaceName, address: info.address, family: info.family, internal: info.internal })),
  );
}

/** The check-in address offers; `suggested` (the first) is absent when there is none. */
export function checkinAddresses(infos = machineAddresses()): { addresses: string[]; suggested?: string } {
  const addresses = reachableAddresses(infos);
  return { addresses, ...(addresses[0] ? { suggested: addresses[0] } : {}) };
}

/** What the certificate names: every address of this machine, so it serves the station too. */
export function certificateAddresses(address: string): string[] {
  return [...new Set(['127.0.0.1', '::1', address, ...checkinAddresses().addresses])];
}
