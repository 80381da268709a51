/**
 * "What went where": every card written on this machine (by the app, a station or the CLI), newest
 * first, with the hostname it was given and whether it was verified; Export CSV for a spreadsheet.
 */
import { useEffect } from 'react';
import { imageLabel, type HistoryEntry } from '../../../../shared/domain/history';
import { ErrorNotice } from '../../components/error-notice';
import { formatDuration, formatSize } from '../../format';
import { HISTORY_VIEW_LIMIT } from './history-store';
import { historyStore, useHistory } from '../../stores';

const resultWords: Record<HistoryEntry['result'], string> = {
  verified: 'Verified',
  ok: 'Written, not verified',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

function HistoryRow({ entry }: { entry: HistoryEntry }) {
  return (
    <tr data-testid="history-row" data-result={entry.result}>
      <td className="nowrap">{new Date(entry.time).toLocaleString()}</td>
      <td className="mono">{entry.hostname ?? '—'}</td>
      <td>
        <span className="mono">{entry.device.path}</span>
        {entry.device.description && <span className="muted small block">{entry.device.description}{entry.device.size ? ` · ${formatSize(entry.device.size)}` : ''}</span>}
      </td>
      <td title={entry.source.given}>{imageLabel(entry.source.given)}</td>
      <td>
        <span className={`history-result history-${entry.result}`}>{resultWords[entry.result]}</span>
        {entry.error && entry.result !== 'verified' && <span className="muted small block" title={entry.error.message}>{entry.error.code}</span>}
      </td>
      <td className="nowrap muted">{formatDuration(entry.durationMs)}</td>
    </tr>
  );
}

export function HistoryView() {
  const entries = useHistory((s) => s.entries);
  const busy = useHistory((s) => s.busy);
  const error = useHistory((s) => s.error);
  useEffect(() => void historyStore.getState().load(), []);
  const history = historyStore.getState();

  return (
    <main className="panel history" aria-labelledby="history-title" data-testid="history-view">
      <header className="panel-header">
        <h1 id="history-title">History</h1>
        <p className="panel-lead">Every card written on this machine, newest first: which image went to which card, and its name.</p>
      </header>
      <div className="panel-body stack">
        {entries?.length === 0 && <p className="empty">No cards have been written yet. Each card you write appears here.</p>}
        {entries && entries.length > 0 && (
          <div className="history-scroll">
            <table className="history-table">
              <thead>
                <tr><th>Time</th><th>Hostname</th><th>Device</th><th>Image</th><th>Result</th><th>Took</th></tr>
              </thead>
              <tbody>
                {entries.map((entry) => <HistoryRow key={`${entry.jobId}-${entry.card}`} entry={entry} />)}
              </tbody>
            </table>
          </div>
        )}
        {entries?.length === HISTORY_VIEW_LIMIT && <p className="muted small">The newest {HISTORY_VIEW_LIMIT} cards are shown; Export CSV has every card.</p>}
        {error && <ErrorNotice error={error} testId="history-error" />}
      </div>
      <footer className="panel-actions">
        <button type="button" className="button" onClick={() => history.hide()} data-testid="history-close">Back to writing</button>
        <span className="spacer" />
        <button type="button" className="button primary" disabled={busy || !entries?.length} onClick={() => void history.exportCsv()} data-testid="history-export">Export CSV</button>
      </footer>
    </main>
  );
}

/** The top bar's way in: History opens the log, pressed again it returns to the steps. */
export function HistoryButton() {
  const open = useHistory((s) => s.open);
  return (
    <button type="button" className="top-bar-button" aria-pressed={open} onClick={() => (open ? historyStore.getState().hide() : historyStore.getState().show())} data-testid="history-open">
      History
    </button>
  );
}
