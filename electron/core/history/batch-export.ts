/**
 * One batch (a bench session, or else one flash job) out of the history, for the paperwork after
 * a fleet day: CSV for a spreadsheet, JSON for scripts, an HTML sheet to print on A4 with one line
 * and a QR code per card (and whether it came up, for a batch written with check-in), and a label page for a 62 mm label printer (one label per written card). Built only from
 * history entries, which never hold a secret, so no export can leak one; every text printed is
 * escaped (hostnames, labels and file names are user input).
 */
import { oldDataCsvField } from '../../../shared/domain/old-data';
import { checkinCsvFields, LONG_COLUMNS, qrSvg, SHEET_COLUMNS, sheetCard, sheetColumns, sheetTitle, wantsLabel, type SheetCard, type SheetColumn } from '../../../shared/batch-sheet';
import { batchOf, imageLabel, latestBatch, type HistoryEntry } from '../../../shared/domain/history';
import { FiotError } from '../../../shared/errors';
import { csvField } from './csv';

export type BatchFormat = 'csv' | 'json' | 'html' | 'labels';

export interface BatchExport {
  jobId: string;
  fileName: string;
  mediaType: string;
  text: string;
}

/**
 * The cards of the batch `jobId` names (a session's id, or a job's; the latest batch when none is
 * named: shared/domain/history.ts latestBatch), in card order; entries are newest first.
 */
export function batchEntries(entries: HistoryEntry[], jobId?: string): HistoryEntry[] {
  const id = jobId ?? latestBatch(entries);
  const batch = entries.filter((entry) => batchOf(entry) === id);
  if (!id || batch.length === 0) {
    throw new FiotError('NOT_FOUND', jobId ? `The history has no batch with job id ${jobId}.` : 'The history is empty: no batch has been written yet.', 'Run `fiot-flash history --json` to see the job ids.');
  }
  return batch.sort((a, b) => a.card - b.card);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, style: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${style}</style></head>
<body>${body}</body></html>
`;
}

const SHEET_STYLE = `@page{size:A4;margin:12mm}body{font:10pt sans-serif;margin:12mm}@media print{body{margin:0}}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:3px 5px;text-align:left;vertical-align:middle}td.long{overflow-wrap:anywhere}
tr{break-inside:avoid}tr.failed,tr.cancelled{background:#fde8e8}td.qr{width:22mm;padding:1mm}td.qr svg{width:22mm;height:22mm;display:block}code{font-size:8pt;overflow-wrap:anywhere}`;

function sheetRow(card: SheetCard, columns: readonly SheetColumn[]): string {
  const cells = columns.map(([key]) => `<td${LONG_COLUMNS.has(key) ? ' class="long"' : ''}>${escapeHtml(String(card[key]))}</td>`).join('');
  return `<tr class="${card.result}">${cells}<td class="qr">${qrSvg(card.qrText)}</td></tr>`;
}

function batchSheet(batch: HistoryEntry[]): string {
  const first = batch[0]!;
  const title = sheetTitle(batch);
  const cards = batch.map(sheetCard);
  const columns = sheetColumns(cards);
  const headers = [...columns.map(([, heading]) => heading), 'QR'];
  return page(title, SHEET_STYLE, `<h1>${escapeHtml(title)}</h1>
<p>Image: <code>${escapeHtml(imageLabel(first.source.given))}</code>${first.source.sha256 ? `, sha256 <code>${escapeHtml(first.source.sha256)}</code>` : ''}. ${first.batchId ? 'Card bench batch' : 'Job'} <code>${escapeHtml(batchOf(first))}</code>.</p>
<table><thead><tr>${headers.map((h) => `<th>${h}</th>`).join('')}</tr></thead>
<tbody>${cards.map((card) => sheetRow(card, columns)).join('\n')}</tbody></table>`);
}

/** 62 mm continuous or die-cut labels (Brother DK-22205 / DK-11209 class), 29 mm tall: one card per label. */
const LABEL_STYLE = `@page{size:62mm 29mm;margin:0}body{margin:0;font:7pt sans-serif}
.label{width:62mm;height:29mm;box-sizing:border-box;padding:2mm;display:flex;gap:2mm;align-items:center;overflow:hidden;break-after:page}
.label svg{width:25mm;height:25mm;flex:none}.label div{min-width:0}.host{font-weight:bold;font-size:10pt;overflow-wrap:anywhere}.line{overflow-wrap:anywhere}`;

function labelOf(card: SheetCard): string {
  const lines = [card.ip, card.serial && `serial ${card.serial}`, [card.rowWords, card.label].filter(Boolean).join(' · ')].filter(Boolean);
  return `<section class="label">${qrSvg(card.qrText)}<div><div class="host">${escapeHtml(card.hostname || card.device)}</div>${lines.map((line) => `<div class="line">${escapeHtml(line)}</div>`).join('')}</div></section>`;
}

function labelPage(batch: HistoryEntry[]): string {
  const cards = batch.map(sheetCard).filter(wantsLabel);
  const body = cards.length ? cards.map(labelOf).join('\n') : '<p>No card of this batch was written to the end: there is nothing to label.</p>';
  return page(`Labels: ${sheetTitle(batch)}`, LABEL_STYLE, body);
}

/**
 * The sheet's columns (the QR code's hostname, serial and job id among them), then the error code,
 * job id and the check-in's state, time and address: one row per card. Scripts read this file, so
 * its `row` column keeps what it always held, the table's line; the device's row number (1 for the
 * first device) was added as `table_row`, and whether the card's old data was erased as
 * `old_data`, at the end where no column moves.
 */
function batchCsv(batch: HistoryEntry[]): string {
  const header = [...SHEET_COLUMNS.map(([key]) => (key === 'resultWords' ? 'result' : key)), 'error_code', 'job_id', 'checkin', 'came_up_at', 'came_up_address', 'table_row', 'old_data'];
  const rows = batch.map((entry) => {
    const card = sheetCard(entry);
    const cell = (key: keyof SheetCard) => (key === 'resultWords' ? card.result : key === 'row' ? String(entry.tableLine ?? '') : String(card[key]));
    return [...SHEET_COLUMNS.map(([key]) => cell(key)), entry.error?.code ?? '', entry.jobId, ...checkinCsvFields(entry), String(entry.tableRow ?? ''), oldDataCsvField(entry.oldData)];
  });
  return [header, ...rows].map((fields) => fields.map(csvField).join(',') + '\r\n').join('');
}

export function exportBatch(entries: HistoryEntry[], format: BatchFormat, jobId?: string): BatchExport {
  const batch = batchEntries(entries, jobId);
  const id = batchOf(batch[0]!);
  const base = `fiot-batch-${batch[0]!.time.slice(0, 10)}-${id.slice(0, 8)}`;
  if (format === 'csv') return { jobId: id, fileName: `${base}.csv`, mediaType: 'text/csv', text: batchCsv(batch) };
  if (format === 'json') return { jobId: id, fileName: `${base}.json`, mediaType: 'application/json', text: JSON.stringify({ format: 'fiot-batch/1', jobId: id, cards: batch }, null, 2) + '\n' };
  if (format === 'labels') return { jobId: id, fileName: `${base}-labels.html`, mediaType: 'text/html', text: labelPage(batch) };
  return { jobId: id, fileName: `${base}.html`, mediaType: 'text/html', text: batchSheet(batch) };
}
