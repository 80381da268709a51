/**
 * A device table whose rows give an address but no gateway or DNS server reaches only its own
 * subnet. Rather than send the person back to the spreadsheet, the app offers to put one gateway
 * and DNS server list into every such row in one step (adding the columns when the table has
 * none); rows with their own keep them, and the person sees the result before anything is written.
 */
import { formatCsv, parseCsv } from './csv';
import { normaliseColumn } from './device-table';
import { onSubnet, subnetOf } from './static-ip-reach';
import { linesWord } from './table-problem-groups';

export interface ReachFill {
  gateway?: string;
  /** One or more addresses, separated by spaces or ; as the dns column takes them. */
  dns?: string;
}

/** The table with `fill` in every row that has an address but no gateway (or no DNS) of its own. */
export function withReachFill(text: string, fill: ReachFill): string {
  const records = parseCsv(text);
  const [header, ...body] = records;
  if (!header) return text;
  const columns = header.fields.map(normaliseColumn);
  const ip = columns.indexOf('ip');
  if (ip < 0) return text;
  const wanted = ([['gateway', fill.gateway?.trim()], ['dns', fill.dns?.trim()]] as const).filter(([, value]) => value);
  for (const [name, value] of wanted) {
    let column = columns.indexOf(name);
    if (column < 0) {
      // A new last column: each row as long as the header gets an empty cell (a row of another
      // length stays as it was, still named as a problem).
      for (const record of body) if (record.fields.length === columns.length) record.fields.push('');
      column = columns.push(name) - 1;
      header.fields.push(name);
    }
    for (const record of body) {
      if (record.fields.length === columns.length && record.fields[ip]?.trim() && !record.fields[column]?.trim()) record.fields[column] = value!;
    }
  }
  return formatCsv(records);
}

/** The rows a fill would give a gateway to whose own subnet does not hold it, by subnet. */
export interface FillOutsideSubnet {
  subnet: string;
  lines: number[];
}

/**
 * Where `gateway` would land outside the row's subnet: a device reaches its gateway only on its
 * own network, so such a fill would leave it reaching nothing beyond. Only the rows the fill would
 * change are judged (a row's own gateway is the person's choice); an address without a prefix is
 * left to the table's own check.
 */
export function fillOutsideSubnet(text: string, gateway: string): FillOutsideSubnet[] {
  const [header, ...body] = parseCsv(text);
  if (!header) return [];
  const columns = header.fields.map(normaliseColumn);
  const ip = columns.indexOf('ip');
  const own = columns.indexOf('gateway');
  const groups = new Map<string, number[]>();
  for (const record of body) {
    const address = record.fields[ip]?.trim() ?? '';
    const subnet = subnetOf(address);
    if (ip < 0 || !subnet || record.fields[own]?.trim() || onSubnet(gateway, address)) continue;
    groups.set(subnet, [...(groups.get(subnet) ?? []), record.line]);
  }
  return [...groups].map(([subnet, lines]) => ({ subnet, lines }));
}

/** "10.20.0.1" for "10.20.0.0/24": what a router's address usually is, for examples only. */
export function usualRouterOf(subnet: string | null): string {
  return /^(.*)\.0\/\d+$/.exec(subnet ?? '')?.[1]?.concat('.1') ?? '192.168.1.1';
}

/** "10.20.0.1 is not on the network of lines 3, 4 (192.168.7.0/24)": a sentence's start, each front end adds its way on. */
export function outsideSubnetWords(gateway: string, { subnet, lines }: FillOutsideSubnet): string {
  return `${gateway} is not on the network of ${linesWord(lines).replace(/^L/, 'l')} (${subnet})`;
}

/** Why a gateway outside a row's network is refused. */
export const GATEWAY_OWN_NETWORK = 'a device reaches its gateway only on its own network';
