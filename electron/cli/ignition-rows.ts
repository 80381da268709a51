/**
 * `fiot-flash ignition --table FILE`: the config each row of a device table gives its card, as
 * `flash --table` would write it: one row printed (`--row N`, the first by default), or every row
 * saved into a folder, one file per card, named by row and hostname so card 7's is easy to find.
 * The files hold password hashes and Wi-Fi passphrases: the folder is made 0700, each file 0600.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { planForCard, tableRowWords, type DeviceRow, type ProvisioningPlan } from '../../shared/provisioning';
import { usageError } from './parse-args';

export interface RowPlan {
  /** The row's number among the table's devices, from 1 (card 1 gets row 1). */
  row: number;
  /** The line of the table file the row is on. */
  line: number;
  n: number;
  plan: ProvisioningPlan;
}

/** Each row's plan; row i's {n} is counterStart + i - 1, as a flash of the whole table from a fresh series. */
export function planRows(rows: DeviceRow[], counterStart: number, file: string): RowPlan[] {
  return rows.map((row, i) => {
    const n = counterStart + i;
    const { plan, problems } = planForCard(row.profile, n);
    if (!plan) throw usageError(problems.map((p) => `--table ${file}: ${tableRowWords(row)}: ${p.message}`).join('\n'));
    return { row: row.row, line: row.line, n, plan };
  });
}

/** `--row N`, checked against the table's rows. */
export function rowFromFlag(value: string, rows: number, file: string): number {
  const row = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(row >= 1 && row <= rows)) throw usageError(`--row ${value}: ${file} has ${rows} row${rows === 1 ? '' : 's'} of devices, so --row takes 1${rows === 1 ? '' : ` to ${rows}`} (row 1 is the line after the header).`);
  return row;
}

/** "07-site-pump-07.ign": the row first, padded so the folder lists in table order. */
export function configFileName(row: RowPlan, rows: number): string {
  const number = String(row.row).padStart(String(rows).length, '0');
  return `${number}${row.plan.mode === 'config' && row.plan.hostname ? `-${row.plan.hostname}` : ''}.ign`;
}

/** Writes each config-mode row's config into `folder` (created 0700 when missing); returns the file per row. */
export function saveRowConfigs(rows: RowPlan[], folder: string): Map<number, string> {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const saved = new Map<number, string>();
  for (const row of rows) {
    if (row.plan.mode !== 'config') continue;
    const file = path.join(folder, configFileName(row, rows.length));
    writeFileSync(file, row.plan.configText, { mode: 0o600 });
    // A file that existed keeps its mode through writeFileSync: secrets stay the owner's either way.
    chmodSync(file, 0o600);
    saved.set(row.row, file);
  }
  return saved;
}
