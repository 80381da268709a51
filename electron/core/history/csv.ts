/**
 * The history as CSV for spreadsheets (RFC 4180): CRLF line ends, every field that holds a comma,
 * a semicolon, a quote or a line break quoted with its quotes doubled. A field starting with
 * = + - @ is prefixed with an apostrophe so a spreadsheet shows it as text instead of running it
 * as a formula (a hostname or file name is user input). Spreadsheets in locales whose list
 * separator is `;` split a line there, so each piece after a `;` is guarded the same way, in case
 * a reader splits without honouring the quotes.
 */
import { reachableAddress } from '../../../shared/domain/checkin';
import type { HistoryEntry } from '../../../shared/domain/history';
import { oldDataCsvField } from '../../../shared/domain/old-data';

export const CSV_COLUMNS = [
  'time', 'hostname', 'device', 'device_description', 'device_size', 'image', 'image_sha256', 'image_size',
  'result', 'error_code', 'error_message', 'written_sha256', 'provisioning', 'users', 'duration_s', 'job_id', 'card',
  'device_model', 'device_serial', 'table_line', 'label', 'config_sha256', 'checkin', 'came_up_at', 'came_up_address', 'old_data',
] as const;

const FORMULA_START = /^\s*[=+\-@]/;

function guardFormula(piece: string): string {
  return FORMULA_START.test(piece) ? `'${piece}` : piece;
}

export function csvField(value: string): string {
  const safe = value.split(';').map(guardFormula).join(';');
  return /[",;\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function row(entry: HistoryEntry): string[] {
  return [
    entry.time,
    entry.hostname ?? '',
    entry.device.path,
    entry.device.description ?? '',
    entry.device.size == null ? '' : String(entry.device.size),
    entry.source.given,
    entry.source.sha256 ?? '',
    String(entry.imageSize),
    entry.result,
    entry.error?.code ?? '',
    entry.error?.message ?? '',
    entry.writtenSha256 ?? '',
    entry.provisioning.mode,
    entry.provisioning.users.join(' '),
    (entry.durationMs / 1000).toFixed(1),
    entry.jobId,
    String(entry.card),
    entry.device.model ?? '',
    entry.device.serial ?? '',
    entry.tableLine === undefined ? '' : String(entry.tableLine),
    entry.label ?? '',
    entry.configSha256 ?? '',
    entry.checkin?.state ?? '',
    entry.checkin?.report?.time ?? '',
    entry.checkin?.report ? reachableAddress(entry.checkin.report) : '',
    oldDataCsvField(entry.oldData),
  ];
}

export function historyCsv(entries: HistoryEntry[]): string {
  return [[...CSV_COLUMNS], ...entries.map(row)].map((fields) => fields.map(csvField).join(',') + '\r\n').join('');
}
