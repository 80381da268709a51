/**
 * Spreadsheets export a static address as "192.168.1.50", without the network's prefix length the
 * card needs ("/24"). Rather than a dozen identical errors, the app counts such rows and offers to
 * add the prefix to all of them in one step; the person sees the result before anything is written.
 */
import { formatCsv, parseCsv } from './csv';
import { normaliseColumn } from './device-table';
import { IPV4 } from './profile';

/** The prefix a home or office network almost always has (255.255.255.0). */
export const USUAL_PREFIX = 24;

function ipColumn(header: string[]): number {
  return header.map(normaliseColumn).indexOf('ip');
}

/** Lines of the table whose ip column holds an IPv4 address without a prefix length. */
export function bareAddressLines(text: string): number[] {
  let records;
  try {
    records = parseCsv(text);
  } catch {
    return [];
  }
  const [header, ...body] = records;
  const column = header ? ipColumn(header.fields) : -1;
  if (column < 0) return [];
  return body.filter((r) => IPV4.test(r.fields[column]?.trim() ?? '')).map((r) => r.line);
}

/** The table with `/prefix` added to every bare address in its ip column; all else as it was. */
export function withAddressPrefix(text: string, prefix = USUAL_PREFIX): string {
  const records = parseCsv(text);
  const [header] = records;
  const column = header ? ipColumn(header.fields) : -1;
  if (column < 0) return text;
  for (const record of records.slice(1)) {
    const value = record.fields[column]?.trim() ?? '';
    if (IPV4.test(value)) record.fields[column] = `${value}/${prefix}`;
  }
  return formatCsv(records);
}
