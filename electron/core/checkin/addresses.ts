/** This machine's addresses a device on the network might reach it at, for the check-in. */
import os from 'node:os';

/** LAN IPv4 first, then routable IPv6, then loopback (only a device on this machine reaches that). */
export function checkinAddresses(): { addresses: string[]; suggested?: string } {
  const infos = Object.values(os.networkInterfaces()).flat().filter((info) => info !== undefined);
  const v4 = infos.filter((i) => i.family === 'IPv4' && !i.internal).map((i) => i.address);
  const v6 = infos.filter((i) => i.family === 'IPv6' && !i.internal && !i.address.toLowerCase().startsWith('fe80:')).map((i) => i.address);
  const addresses = [...new Set([...v4, ...v6, '127.0.0.1'])];
  const suggested = v4[0] ?? v6[0];
  return { addresses, ...(suggested ? { suggested } : {}) };
}

/** What the certificate names: every address of this machine, so it serves the station too. */
export function certificateAddresses(address: string): string[] {
  return [...new Set(['127.0.0.1', '::1', address, ...checkinAddresses().addresses])];
}
