/**
 * --table FILE for the commands that take a device table (flash, bench, ignition): read as UTF-8,
 * bare addresses given their prefix when --ip-prefix says so, and checked whole against the
 * profile before anything is downloaded or asked. A problem on many lines is one line of the
 * error naming them all; addresses without a prefix get the flag that fixes them as the hint.
 */
import path from 'node:path';
import { FiotError } from '../../shared/errors';
import { bareAddressLines, groupTableProblems, reachGaps, readDeviceTable, tableReachFix, tableReachGaps, tableReachWords, USUAL_PREFIX, withAddressPrefix, type DeviceTable, type Profile } from '../../shared/provisioning';
import type { CliIO } from './io';
import { ipPrefixFromFlags, staticIpWarning, type ProvisioningValues } from './provisioning-flags';
import { withFlagsReachFill } from './table-reach-flags';
import { readUtf8File } from './text-input';

export interface TableFlag {
  /** What the core is handed: the table's text (prefixes added) and the file's name. */
  input: { text: string; name: string };
  table: DeviceTable;
}

/** "--table sites.csv: line 3, …": the file as the person typed it, then the problem. */
function underFlag(file: string, item: string): string {
  return `--table ${file}: ${item.charAt(0).toLowerCase()}${item.slice(1)}`;
}

function bareAddressHint(lines: number[]): string {
  const rows = lines.length === 1 ? 'One row gives' : `${lines.length} rows give`;
  return `${rows} an address without the network's size (the “/${USUAL_PREFIX}” after it), as spreadsheets export it: add --ip-prefix ${USUAL_PREFIX} to treat ${lines.length === 1 ? 'it' : 'them'} as /${USUAL_PREFIX} (netmask 255.255.255.0, what most home and office networks use), or write the prefix into the table.`;
}

/** The checked table --table names, or undefined without the flag; a USAGE error (exit 2) for any problem. */
export function tableFromFlags(values: ProvisioningValues & { table?: string }, profile: Profile | undefined, cwd = process.cwd()): TableFlag | undefined {
  const file = values.table;
  if (file === undefined) return undefined;
  const prefix = ipPrefixFromFlags(values);
  const read = readUtf8File(file, '--table', cwd);
  const text = withFlagsReachFill(prefix === undefined ? read : withAddressPrefix(read, prefix), values, file);
  const { table, problems } = readDeviceTable(text, profile ?? {});
  if (table) return { input: { text, name: path.basename(file) }, table };
  const bare = bareAddressLines(text);
  const message = groupTableProblems(problems).map((item) => underFlag(file, item)).join('\n');
  throw new FiotError('USAGE', message, bare.length ? bareAddressHint(bare) : 'Correct the table (or the flags its rows build on) and run the command again.');
}

/** Static addresses that reach only their subnet: warned, not refused (a closed network may want that). */
export function staticIpWarnings(profile: Profile | undefined, table: TableFlag | undefined, file?: string): Array<{ message: string; missing: string[]; lines?: number[] }> {
  if (!table) {
    const message = staticIpWarning(profile);
    return message ? [{ message, missing: reachGaps(profile?.staticIp) }] : [];
  }
  return tableReachGaps(table.table.rows).map((gap) => ({
    message: `${underFlag(file ?? table.input.name, tableReachWords(gap))}. ${tableReachFix(gap.gaps).replace(/\.$/, '')}, or add ${gap.gaps.map((g) => `--${g} ADDRESS`).join(' and ')} for every row without one.`,
    missing: gap.gaps,
    lines: gap.lines,
  }));
}

/** Prints each warning on stderr, and as a {"type":"warning"} line with --json. */
export function warnStaticIp(io: CliIO, profile: Profile | undefined, table: TableFlag | undefined, file?: string): void {
  for (const { message, ...fields } of staticIpWarnings(profile, table, file)) {
    io.warn(`Warning: ${message}`);
    io.emit({ type: 'warning', message, ...fields });
  }
}
