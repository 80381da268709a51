/**
 * A static address without a gateway or DNS servers is valid, and the device comes up with it,
 * but then reaches only its own subnet: no updates, no containers, no check-in address beyond
 * it, and no names looked up. Not an error (a closed lab network may want exactly that), so each
 * front end warns in these words and adds how to give what is missing in its own terms.
 */
import type { DeviceRow } from './device-table';
import type { StaticIpSettings } from './profile';
import { IPV4 } from './profile';
import { linesWord } from './table-problem-groups';

export type ReachGap = 'gateway' | 'dns';

/** What the static address lacks to reach beyond its subnet; empty when nothing (or no static address). */
export function reachGaps(staticIp: StaticIpSettings | undefined): ReachGap[] {
  if (!staticIp?.address) return [];
  return [...(staticIp.gateway ? [] : ['gateway' as const]), ...(staticIp.dns.length ? [] : ['dns' as const])];
}

const ipValue = (ip: string) => ip.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);

/** The network an address with a prefix is on, as its first address and size; null for anything else. */
function networkOf(address: string): { start: number; size: number; prefix: number } | null {
  const [ip, prefixText] = address.trim().split('/');
  const prefix = Number(prefixText);
  if (!IPV4.test(ip ?? '') || !Number.isInteger(prefix) || prefix < 1 || prefix > 32) return null;
  const size = 2 ** (32 - prefix);
  return { start: Math.floor(ipValue(ip!) / size) * size, size, prefix };
}

/** "192.168.1.0/24" for "192.168.1.20/24"; null for anything that is not an address with a prefix. */
export function subnetOf(address: string): string | null {
  const network = networkOf(address);
  if (!network) return null;
  return `${[24, 16, 8, 0].map((shift) => Math.floor(network.start / 2 ** shift) % 256).join('.')}/${network.prefix}`;
}

/** Whether `ip` (an IPv4 address) is on the network of `address` (A.B.C.D/N). */
export function onSubnet(ip: string, address: string): boolean {
  const network = networkOf(address);
  if (!network || !IPV4.test(ip)) return false;
  const value = ipValue(ip);
  return value >= network.start && value < network.start + network.size;
}

/**
 * The fixed addresses among `staticIps` that cannot reach `checkinAddress` to report: without a
 * gateway a device reaches only its own subnet. An address that is not IPv4 (a host name, IPv6)
 * is not judged.
 */
export function checkinOutOfReach(checkinAddress: string, staticIps: Array<StaticIpSettings | undefined>): string[] {
  if (!IPV4.test(checkinAddress)) return [];
  return staticIps.filter((ip): ip is StaticIpSettings => Boolean(ip?.address && !ip.gateway && !onSubnet(checkinAddress, ip.address))).map((ip) => ip.address);
}

/**
 * "no gateway and no DNS server: the device will reach only …", for a sentence that names the
 * address first; `subnet` names where it stays ("192.168.1.0/24", or "their own subnet").
 */
export function reachWords(gaps: ReachGap[], subnet: string, devices = 'the device'): string {
  const lacks = gaps.map((gap) => (gap === 'gateway' ? 'no gateway (the router to other networks)' : 'no DNS server (which looks up names)')).join(' and ');
  const effects = [
    ...(gaps.includes('gateway') ? [`reach only addresses in ${subnet} (not the internet for updates or containers, nor a check-in address outside it)`] : []),
    ...(gaps.includes('dns') ? ['look up no names such as fedoraproject.org'] : []),
  ];
  return `${lacks}: ${devices} will ${effects.join(' and ')}`;
}

/** "The fixed address 192.168.1.20/24 has no gateway: …"; null when it lacks nothing. */
export function staticIpReachWords(staticIp: StaticIpSettings | undefined): string | null {
  const gaps = reachGaps(staticIp);
  if (!staticIp || !gaps.length) return null;
  return `The fixed address ${staticIp.address} has ${reachWords(gaps, subnetOf(staticIp.address) ?? 'its own subnet')}.`;
}

export interface TableReachGap {
  gaps: ReachGap[];
  /** The table lines whose rows lack them. */
  lines: number[];
  /** The rows' subnet when they share one, for the words. */
  subnet: string | null;
}

/** The table's rows with a static address but no gateway or DNS servers, grouped by what they lack. */
export function tableReachGaps(rows: DeviceRow[]): TableReachGap[] {
  const groups = new Map<string, TableReachGap>();
  for (const row of rows) {
    const gaps = reachGaps(row.profile.staticIp);
    if (!gaps.length) continue;
    const key = gaps.join('+');
    const subnet = subnetOf(row.profile.staticIp!.address);
    const group = groups.get(key) ?? { gaps, lines: [], subnet };
    group.lines.push(row.line);
    if (group.subnet !== subnet) group.subnet = null;
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** "Lines 2–13 give an address but no gateway …: those devices will …". */
export function tableReachWords(gap: TableReachGap): string {
  const one = gap.lines.length === 1;
  return `${linesWord(gap.lines)} ${one ? 'gives' : 'give'} an address but ${reachWords(gap.gaps, gap.subnet ?? 'their own subnet', one ? 'that device' : 'those devices')}`;
}

/** How the table gives what is missing: the columns it takes. */
export function tableReachFix(gaps: ReachGap[]): string {
  const columns = [
    ...(gaps.includes('gateway') ? ['a gateway column (usually the router, such as 192.168.1.1)'] : []),
    ...(gaps.includes('dns') ? ['a dns column (one or more addresses, separated by spaces or ;)'] : []),
  ];
  return `Add ${columns.join(' and ')} to the table.`;
}
