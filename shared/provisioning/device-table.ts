/**
 * Per-device values from a table (CSV, one row per card): columns fill the profile for that card,
 * and any other column fills `{column}` placeholders in extra files and unit text. The whole table
 * is checked against the profile before the first card is written, and every problem names its
 * line and column as the spreadsheet shows them.
 */
import { checkProfile } from './plan';
import { CsvSyntaxError, parseCsv } from './csv';
import type { Problem } from './problem';
import type { Profile } from './profile';

/** Columns with a meaning of their own; any other column is a `{placeholder}`. */
const PROFILE_COLUMNS = {
  hostname: ['hostname'],
  ip: ['staticIp.address', 'staticIp'],
  gateway: ['staticIp.gateway'],
  dns: ['staticIp.dns'],
  ignition_url: ['ignitionUrl'],
  kernel_args: ['kernelArguments'],
  label: [],
} as const satisfies Record<string, readonly string[]>;
type ProfileColumn = keyof typeof PROFILE_COLUMNS;
const ALIASES: Record<string, ProfileColumn> = { static_ip: 'ip', address: 'ip', ignition: 'ignition_url', kargs: 'kernel_args', kernel_arguments: 'kernel_args' };
const COLUMN_NAME = /^[a-z][a-z0-9_]{0,39}$/;

export interface DeviceRow {
  /** 1 for the table's first device: the header and empty rows are not counted (see table-row-words.ts). */
  row: number;
  /** 1-based line of the table file where the row starts. */
  line: number;
  /** Every non-empty cell, by normalised column name. */
  values: Record<string, string>;
  /** The printed label for the card (the `label` column), if any. */
  label?: string;
  /** The card's whole profile: the base profile with this row's values. */
  profile: Profile;
  /** 2 for the second row with exactly these values, 3 for the third…: identical rows are still different cards. */
  repeat?: number;
}

export interface DeviceTable {
  columns: string[];
  rows: DeviceRow[];
  /** Lines of rows with every cell empty (a spreadsheet leaves `,,,` lines at the end): skipped, not devices. */
  emptyLines: number[];
}

/** "2 empty rows skipped (lines 14, 15)." once for a table, or null when it had none. */
export function emptyRowsNote(table: Pick<DeviceTable, 'emptyLines'>): string | null {
  const lines = table.emptyLines;
  if (!lines.length) return null;
  return `${lines.length} empty row${lines.length === 1 ? '' : 's'} skipped (line${lines.length === 1 ? '' : 's'} ${lines.join(', ')}).`;
}

/** `Static IP` and `static-ip` both name the column `static_ip`, then aliases fold to one name. */
export function normaliseColumn(header: string): string {
  const name = header.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return ALIASES[name] ?? name;
}

function tableProblem(line: number, column: number | null, name: string | null, text: string): Problem {
  const where = column === null ? `line ${line}` : `line ${line}, column ${column} (${name})`;
  return { field: 'table', message: `table: ${where}: ${text}` };
}

const PLACEHOLDER = /\{([a-z][a-z0-9_]*)\}/g;

/** `{column}` in text becomes the row's value for that column; other braces stay as they are. */
export function fillPlaceholders(text: string, values: Record<string, string>, escape: (value: string) => string = (value) => value): string {
  return text.replace(PLACEHOLDER, (match, name: string) => (values[name] === undefined ? match : escape(values[name])));
}

/** systemd expands `%x` specifiers in unit lines: `%%` is how a unit says a plain `%`. */
const unitValue = (value: string) => value.replace(/%/g, '%%');

/** The columns whose values `text` takes. */
function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1]!);
}

/**
 * A cell put into a line of a unit or a file must stay on that line: a line break would start
 * new lines of the cell's choosing (ExecStartPre=…, [Install]). In a unit, systemd also gives
 * meaning to backslashes (escapes, and a line joined to the next), quotes (one argument or
 * several), `$` (variables) and a lone `;` (another command): such a cell is refused rather than
 * read otherwise; `%` is written `%%`, which systemd reads as `%`. Checked before anything is written.
 */
function substitutionProblems(base: Record<string, unknown>, values: Record<string, string>): Array<{ column: string; text: string }> {
  const targets = [
    ...((base.units as Array<Record<string, unknown>> | undefined) ?? []).map((unit) => ({ text: unit.contents, where: `unit ${String(unit.name)}`, unit: true })),
    ...((base.files as Array<Record<string, unknown>> | undefined) ?? []).map((file) => ({ text: file.contents, where: `file ${String(file.path)}`, unit: false })),
  ];
  const problems: Array<{ column: string; text: string }> = [];
  for (const target of targets) {
    if (typeof target.text !== 'string') continue;
    for (const column of new Set(placeholdersIn(target.text))) {
      const value = values[column];
      if (value === undefined) continue;
      // eslint-disable-next-line no-control-regex -- control characters are what is looked for
      if (/[\r\n\v\f\u0000-\u0008\u000e-\u001f\u007f\u0085\u2028\u2029]/.test(value)) {
        problems.push({ column, text: `holds a line break or control character; a value put into ${target.where} must stay on its line` });
      } else if (target.unit && (/[\\"'$]/.test(value) || /(^|\s);(\s|$)/.test(value))) {
        problems.push({ column, text: `holds a backslash, quote, $ or lone ;, which systemd reads as escaping, quoting, a variable or another command in ${target.where}; leave it out, or put the value in a file the unit reads` });
      }
    }
  }
  return problems;
}

function rowProfileInput(base: Record<string, unknown>, values: Record<string, string>): Record<string, unknown> {
  const input: Record<string, unknown> = { ...base };
  if (values.hostname) input.hostname = values.hostname;
  if (values.ip || values.gateway || values.dns) {
    const staticIp = { ...(base.staticIp as Record<string, unknown> | undefined) };
    if (values.ip) staticIp.address = values.ip;
    if (values.gateway) staticIp.gateway = values.gateway;
    if (values.dns) staticIp.dns = values.dns.split(/[\s;]+/).filter(Boolean);
    input.staticIp = staticIp;
  }
  if (values.ignition_url) input.ignitionUrl = values.ignition_url;
  if (values.kernel_args) input.kernelArguments = values.kernel_args.split(/\s+/).filter(Boolean);
  const files = (base.files as Array<Record<string, unknown>> | undefined) ?? [];
  input.files = files.map((file) => ({ ...file, contents: fillPlaceholders(String(file.contents ?? ''), values) }));
  const units = (base.units as Array<Record<string, unknown>> | undefined) ?? [];
  input.units = units.map((unit) => (typeof unit.contents === 'string' ? { ...unit, contents: fillPlaceholders(unit.contents, values, unitValue) } : unit));
  return input;
}

/** Which column a profile problem comes from, or null when it is the base profile's own. */
function columnOfProblem(field: string, columns: string[]): number | null {
  for (const [name, fields] of Object.entries(PROFILE_COLUMNS)) {
    if ((fields as readonly string[]).some((f) => field === f || field.startsWith(`${f}.`))) {
      const index = columns.indexOf(name);
      if (index >= 0) return index;
    }
  }
  return null;
}

/** Reads and checks a whole table against the base profile; `table` is set only when nothing is wrong. */
export function readDeviceTable(text: string, baseProfile: unknown): { table?: DeviceTable; problems: Problem[] } {
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) return { problems: [tableProblem(error.line, null, null, error.message.replace(/^line \d+: /, ''))] };
    throw error;
  }
  const [header, ...body] = records;
  if (!header) return { problems: [{ field: 'table', message: 'table: is empty; the first line names the columns (e.g. hostname,ip,label)' }] };
  // A row of empty cells (`,,` as a spreadsheet saves rows it once formatted) describes no device.
  const emptyLines = body.filter((record) => record.fields.every((field) => !field.trim())).map((record) => record.line);
  const filled = body.filter((record) => record.fields.some((field) => field.trim()));
  if (filled.length === 0) return { problems: [{ field: 'table', message: 'table: has a header but no rows' }] };
  const columns = header.fields.map(normaliseColumn);
  const problems: Problem[] = [];
  columns.forEach((name, i) => {
    if (!COLUMN_NAME.test(name)) problems.push(tableProblem(header.line, i + 1, header.fields[i] ?? '', 'a column name must start with a letter and hold only letters, digits and _'));
    else if (columns.indexOf(name) !== i) problems.push(tableProblem(header.line, i + 1, name, 'this column appears twice'));
  });
  if (problems.length) return { problems };

  const base = (baseProfile ?? {}) as Record<string, unknown>;
  const rows: DeviceRow[] = [];
  const hostnames = new Map<string, number>();
  const seen = new Map<string, number>();
  for (const [index, record] of filled.entries()) {
    if (record.fields.length !== columns.length) {
      problems.push(tableProblem(record.line, null, null, `has ${record.fields.length} fields, the header has ${columns.length}`));
      continue;
    }
    const values: Record<string, string> = {};
    columns.forEach((name, i) => {
      const value = record.fields[i]!.trim();
      if (value) values[name] = value;
    });
    if ((values.gateway || values.dns) && !values.ip && !(base.staticIp as { address?: unknown } | undefined)?.address) {
      const column = columns.indexOf(values.gateway ? 'gateway' : 'dns');
      problems.push(tableProblem(record.line, column + 1, columns[column]!, 'needs an address in the ip column (such as 10.0.0.5/24), or a static IP in the profile'));
      continue;
    }
    const unsafe = substitutionProblems(base, values);
    for (const p of unsafe) problems.push(tableProblem(record.line, columns.indexOf(p.column) + 1, p.column, p.text));
    if (unsafe.length) continue;
    const checked = checkProfile(rowProfileInput(base, values));
    for (const p of checked.problems) {
      const column = columnOfProblem(p.field, columns);
      // Under a column's name the profile field's own name only repeats it.
      const text = column === null ? p.message : p.message.replace(/^[\w.]+: /, '');
      problems.push(tableProblem(record.line, column === null ? null : column + 1, column === null ? null : columns[column]!, text));
    }
    if (values.hostname) {
      const earlier = hostnames.get(values.hostname);
      if (earlier !== undefined) problems.push(tableProblem(record.line, columns.indexOf('hostname') + 1, 'hostname', `“${values.hostname}” is already on line ${earlier}`));
      hostnames.set(values.hostname, record.line);
    }
    const same = JSON.stringify(Object.entries(values).sort(([a], [b]) => a.localeCompare(b)));
    const repeat = (seen.get(same) ?? 0) + 1;
    seen.set(same, repeat);
    if (checked.profile) rows.push({ row: index + 1, line: record.line, values, ...(values.label ? { label: values.label } : {}), profile: checked.profile, ...(repeat > 1 ? { repeat } : {}) });
  }
  return problems.length ? { problems } : { table: { columns, rows, emptyLines }, problems };
}

