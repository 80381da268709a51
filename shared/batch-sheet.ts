/**
 * The batch sheet a site keeps: one line per card with its device, serial, hostname, IP, table
 * row, label and result, and a QR code per card (hostname, serial and job id) to scan at the
 * device later. One model for every rendering (the HTML sheet and label page the core exports,
 * the CSV, and the app's print view), so they always show the same columns. Pure, so the renderer
 * uses it too; QR codes come from uqr (unjs).
 */
import { renderSVG } from 'uqr';
import { formatWhen } from './format-time';
import { checkinSummary, reachableAddress } from './domain/checkin';
import type { HistoryEntry } from './domain/history';
import { oldDataShortWords } from './domain/old-data';
import { tableRowCell, tableRowWords } from './provisioning/table-row-words';

export interface SheetCard {
  card: number;
  device: string;
  model: string;
  serial: string;
  hostname: string;
  ip: string;
  /** Where the card's values came from in the device table, for the "Row" column: "4 (line 5)". */
  row: string;
  /** The same in a sentence or on a label: "row 4 (line 5)". */
  rowWords: string;
  label: string;
  result: HistoryEntry['result'];
  /** The result in words, with the error's own words for a card that failed. */
  resultWords: string;
  /** What the card's QR code holds: its hostname, serial and job id, one per line. */
  qrText: string;
  /** Whether the device came up, for a batch written with check-in (empty otherwise). */
  cameUp: string;
  /** Whether the card's old contents were erased before writing, in words (empty when not recorded). */
  oldData: string;
}

/** The sheet's columns and their headings, in order; the CSV has the same ones (plus the job id). */
export const SHEET_COLUMNS = [
  ['card', '#'], ['device', 'Device'], ['model', 'Model'], ['serial', 'Serial'], ['hostname', 'Hostname'],
  ['ip', 'IP'], ['row', 'Row'], ['label', 'Label'], ['resultWords', 'Result'],
] as const satisfies ReadonlyArray<readonly [keyof SheetCard, string]>;

export type SheetColumn = readonly [keyof SheetCard, string];

/**
 * The sheet's columns for these cards: whether each card's old data was erased (where recorded:
 * a reused card may hold another site's secrets), and for a batch written with check-in which
 * devices came up.
 */
export function sheetColumns(cards: SheetCard[]): readonly SheetColumn[] {
  const oldData: SheetColumn[] = cards.some((card) => card.oldData) ? [['oldData', 'Old data']] : [];
  const cameUp: SheetColumn[] = cards.some((card) => card.cameUp) ? [['cameUp', 'Came up']] : [];
  return [...SHEET_COLUMNS, ...oldData, ...cameUp];
}

/** The check-in columns every batch CSV ends with (empty for a card written without check-in). */
export function checkinCsvFields(entry: Pick<HistoryEntry, 'checkin'>): [string, string, string] {
  const report = entry.checkin?.report;
  return [entry.checkin?.state ?? '', report?.time ?? '', report ? reachableAddress(report) : ''];
}

/** Columns that hold paths and may break anywhere when printed; the rest break between words only. */
export const LONG_COLUMNS: ReadonlySet<keyof SheetCard> = new Set(['device', 'serial']);

const RESULT_WORDS: Record<HistoryEntry['result'], string> = { verified: 'verified', ok: 'written, not verified', failed: 'failed', cancelled: 'cancelled' };

export function cardQrText(entry: Pick<HistoryEntry, 'hostname' | 'device' | 'jobId'>): string {
  return [`hostname: ${entry.hostname ?? ''}`, `serial: ${entry.device.serial ?? entry.device.path}`, `job: ${entry.jobId}`].join('\n');
}

export function sheetCard(entry: HistoryEntry): SheetCard {
  return {
    card: entry.card,
    device: entry.device.path,
    model: entry.device.model ?? '',
    serial: entry.device.serial ?? '',
    hostname: entry.hostname ?? '',
    ip: entry.ip ?? '',
    row: entry.tableLine === undefined ? '' : tableRowCell({ row: entry.tableRow, line: entry.tableLine }),
    rowWords: entry.tableLine === undefined ? '' : tableRowWords({ row: entry.tableRow, line: entry.tableLine }),
    label: entry.label ?? '',
    result: entry.result,
    resultWords: RESULT_WORDS[entry.result] + (entry.error && entry.result !== 'verified' ? `: ${entry.error.message}` : ''),
    qrText: cardQrText(entry),
    cameUp: entry.checkin ? checkinSummary(entry.checkin) : '',
    oldData: entry.oldData ? oldDataShortWords(entry.oldData) : '',
  };
}

/** A card gets a label to stick on it only when it was written to the end. */
export function wantsLabel(card: SheetCard): boolean {
  return card.result === 'verified' || card.result === 'ok';
}

/** An SVG QR code (medium error correction: a label may get scuffed); its size is set by the page's CSS. */
export function qrSvg(text: string): string {
  return renderSVG(text, { ecc: 'M', border: 2 });
}

/** The same QR code as a data: URL, for an <img> (the app's content policy allows data: images). */
export function qrDataUrl(text: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qrSvg(text))}`;
}

type Timed = Pick<HistoryEntry, 'time'>;

/**
 * The moment a batch is named by: its first card's time, as its History row shows it (when that
 * card was done). Named by when the batch started, "Batch 09:45" stood over rows that all read
 * 09:46 and a person looked for a card that did not exist.
 */
export function batchTime(batch: readonly Timed[]): string | undefined {
  const times = batch.map((entry) => Date.parse(entry.time)).filter(Number.isFinite);
  return times.length ? new Date(Math.min(...times)).toISOString() : undefined;
}

/** The batch's name, by the time its first row shows: the sheet's title, and the History's batch picker. */
export function sheetTitle(batch: readonly Timed[]): string {
  const start = batchTime(batch);
  return `Batch ${start ? formatWhen(start) : ''}: ${batch.length} card${batch.length === 1 ? '' : 's'}`;
}
