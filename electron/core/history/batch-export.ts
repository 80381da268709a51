/**
 * One batch (a bench session, or else one flash job) out of the history, for the paperwork after a fleet day: CSV for a
 * spreadsheet, JSON for scripts, and an HTML sheet to print with one line per device. Built only
 * from history entries, which never hold a secret, so no export can leak one.
 */
import { checkinSummary } from '../../../shared/domain/checkin';
import { batchOf, imageLabel, type HistoryEntry } from '../../../shared/domain/history';
import { FiotError } from '../../../shared/errors';
import { formatSize } from '../../../shared/format-size';
import { historyCsv } from './csv';

export type BatchFormat = 'csv' | 'json' | 'html';

export interface BatchExport {
  jobId: string;
  fileName: string;
  mediaType: string;
  text: string;
}

/**
 * The cards of the batch `jobId` names (a session's id, or a job's; the newest batch when none is
 * named), in card order; entries are newest first.
 */
export function batchEntries(entries: HistoryEntry[], jobId?: string): HistoryEntry[] {
  const id = jobId ?? (entries[0] ? batchOf(entries[0]) : undefined);
  const batch = entries.filter((entry) => batchOf(entry) === id);
  if (!id || batch.length === 0) {
    throw new FiotError('NOT_FOUND', jobId ? `The history has no batch with job id ${jobId}.` : 'The history is empty: no batch has been written yet.', 'Run `fiot-flash history --json` to see the job ids.');
  }
  return batch.sort((a, b) => a.card - b.card);
}

const RESULT_WORDS: Record<HistoryEntry['result'], string> = { verified: 'verified', ok: 'written, not verified', failed: 'failed', cancelled: 'cancelled' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sheetRow(entry: HistoryEntry, withCheckin: boolean): string {
  const cells = [
    String(entry.card),
    entry.hostname ?? '',
    entry.label ?? '',
    [entry.device.model, entry.device.serial].filter(Boolean).join(' / ') || entry.device.path,
    entry.device.size ? formatSize(entry.device.size) : '',
    RESULT_WORDS[entry.result] + (entry.error ? `: ${entry.error.message}` : ''),
    entry.configSha256?.slice(0, 12) ?? '',
    ...(withCheckin ? [entry.checkin ? checkinSummary(entry.checkin) : ''] : []),
  ];
  return `<tr class="${entry.result}">${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`;
}

function batchSheet(batch: HistoryEntry[]): string {
  const first = batch[0]!;
  const title = `Batch ${first.time.slice(0, 16).replace('T', ' ')} UTC: ${batch.length} card${batch.length === 1 ? '' : 's'}`;
  // A batch written with check-in says which devices came up.
  const withCheckin = batch.some((entry) => entry.checkin);
  const headers = ['#', 'Hostname', 'Label', 'Device (model / serial)', 'Size', 'Result', 'Config sha256', ...(withCheckin ? ['Came up'] : [])];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:11pt sans-serif;margin:1.5cm}table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:4px 6px;text-align:left;vertical-align:top}
tr.failed,tr.cancelled{background:#fde8e8}code{font-size:9pt}@media print{body{margin:0}}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<p>Image: <code>${escapeHtml(imageLabel(first.source.given))}</code>${first.source.sha256 ? `, sha256 <code>${escapeHtml(first.source.sha256)}</code>` : ''}. ${first.batchId ? 'Bench session' : 'Job'} <code>${escapeHtml(batchOf(first))}</code>.</p>
<table><thead><tr>${headers.map((h) => `<th>${h}</th>`).join('')}</tr></thead>
<tbody>${batch.map((entry) => sheetRow(entry, withCheckin)).join('\n')}</tbody></table></body></html>
`;
}

export function exportBatch(entries: HistoryEntry[], format: BatchFormat, jobId?: string): BatchExport {
  const batch = batchEntries(entries, jobId);
  const id = batchOf(batch[0]!);
  const base = `fiot-batch-${batch[0]!.time.slice(0, 10)}-${id.slice(0, 8)}`;
  if (format === 'csv') return { jobId: id, fileName: `${base}.csv`, mediaType: 'text/csv', text: historyCsv(batch) };
  if (format === 'json') return { jobId: id, fileName: `${base}.json`, mediaType: 'application/json', text: JSON.stringify({ format: 'fiot-batch/1', jobId: id, cards: batch }, null, 2) + '\n' };
  return { jobId: id, fileName: `${base}.html`, mediaType: 'text/html', text: batchSheet(batch) };
}
