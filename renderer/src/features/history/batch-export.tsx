/** One batch (a card bench run, or one Write) exported as the batch record (CSV, JSON), or opened in the print view. */
import { useEffect, useRef, useState } from 'react';
import { batchOf, latestBatch, type HistoryEntry } from '../../../../shared/domain/history';
import { historyStore, useHistory } from '../../stores';
import type { BatchFormat } from './history-store';
import { glossary } from '../../../../shared/glossary';
import { sheetTitle } from '../../../../shared/batch-sheet';

interface Batch {
  jobId: string;
  entries: HistoryEntry[];
  session: boolean;
}

/** Batches newest first, as the entries (newest first) name them, each with all its cards. */
function batchesOf(entries: HistoryEntry[]): Batch[] {
  const batches = new Map<string, Batch>();
  for (const entry of entries) {
    const id = batchOf(entry);
    const batch = batches.get(id);
    if (batch) batch.entries.push(entry);
    else batches.set(id, { jobId: id, entries: [entry], session: entry.batchId !== undefined });
  }
  return [...batches.values()];
}

/**
 * One action per button, each saying what it saves: the whole history's CSV is the footer's, so
 * these name the batch (a spreadsheet first, the term second).
 */
const formats: Array<[BatchFormat, string]> = [['csv', 'Save this batch as a spreadsheet (CSV)'], ['json', 'Save this batch for scripts (JSON)']];

export function BatchExport({ entries }: { entries: HistoryEntry[] }) {
  const batches = batchesOf(entries);
  const busy = useHistory((s) => s.busy);
  const [chosen, setChosen] = useState<string | null>(null);
  // The latest card bench session first (the paperwork after a fleet day), else the newest Write.
  const jobId = chosen ?? latestBatch(entries) ?? '';
  // The print view closed: the keyboard comes back to "Printable sheet", as from a dialog, not to the page's start.
  const printing = useHistory((s) => s.printing !== null);
  const printButton = useRef<HTMLButtonElement>(null);
  const wasPrinting = useRef(false);
  useEffect(() => {
    if (wasPrinting.current && !printing) printButton.current?.focus();
    wasPrinting.current = printing;
  }, [printing]);
  return (
    <section className="stack batch-export" aria-labelledby="batch-export-title" data-testid="batch-export">
      <h2 id="batch-export-title">One batch</h2>
      <p className="muted small">{glossary.batch.line}</p>
      <div className="row">
        <label className="inline-label">
          Batch
          <select value={jobId} onChange={(e) => setChosen(e.target.value)} data-testid="batch-choice">
            {batches.map((b) => <option key={b.jobId} value={b.jobId}>{sheetTitle(b.entries)}{b.session ? ' · card bench' : ''}</option>)}
          </select>
        </label>
        {formats.map(([format, words]) => (
          <button key={format} type="button" className="button" disabled={busy || !jobId} onClick={() => void historyStore.getState().exportBatch(jobId, format)} data-testid={`batch-export-${format}`}>
            {words}
          </button>
        ))}
        <button type="button" className="button" ref={printButton} disabled={busy || !jobId} onClick={() => void historyStore.getState().printBatch(jobId)} data-testid="batch-print">
          Printable sheet
        </button>
      </div>
    </section>
  );
}
