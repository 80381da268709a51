/**
 * "What went where": every card written on this machine (by the app, a station or the CLI), newest
 * first, with the hostname it was given, the card's model and serial, the config written, whether
 * it was verified or what went wrong in words, whether its old data was erased; every card as a
 * spreadsheet, and one batch's record.
 */
import { useEffect } from 'react';
import { checkinLine, checkinSummary } from '../../../../shared/domain/checkin';
import { imageLabel, type HistoryEntry } from '../../../../shared/domain/history';
import { oldDataShortWords, oldDataWords } from '../../../../shared/domain/old-data';
import { WRITTEN_DIGEST_NAME, writtenDigestMeaning } from '../../../../shared/domain/written-digest';
import { tableRowTitle } from '../../../../shared/provisioning/table-row-words';
import { errorCatalog, isErrorCode } from '../../../../shared/errors';
import { formatWhen } from '../../../../shared/format-time';
import { BatchExport } from './batch-export';
import { BatchPrintView } from './batch-print';
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

/** The error as a person reads it: the code's title, then the detail (a raw code only when unknown). */
function errorWords(error: NonNullable<HistoryEntry['error']>): { title: string; detail: string } {
  const title = isErrorCode(error.code) ? errorCatalog[error.code].title : error.code;
  return { title, detail: error.message };
}

function DeviceCell({ device }: { device: HistoryEntry['device'] }) {
  const identity = [device.model, device.serial ? `serial ${device.serial}` : ''].filter(Boolean).join(' · ');
  return (
    <td>
      <span className="mono">{device.path}</span>
      {device.description && <span className="muted small block">{device.description}{device.size ? ` · ${formatSize(device.size)}` : ''}</span>}
      {identity && <span className="muted small block" data-testid="history-identity">{identity}</span>}
    </td>
  );
}

/** The title in bold, unless the result above already says it ("Cancelled"); then the detail alone. */
function errorLine({ title, detail }: { title: string; detail: string }, resultWord: string) {
  if (title === resultWord) return detail;
  return <><strong>{title}</strong>{detail && detail !== title ? `: ${detail}` : ''}</>;
}

/** The card's name; for a card that stopped before the end, the name it was to carry, said as not written. */
function HostnameWords({ entry }: { entry: HistoryEntry }) {
  if (entry.hostname) return <>{entry.hostname}</>;
  if (!entry.plannedHostname) return <>—</>;
  return <>{entry.plannedHostname}<span className="muted small block" data-testid="history-planned-hostname">not given: the card was not finished</span></>;
}

function HistoryRow({ entry }: { entry: HistoryEntry }) {
  const error = entry.error && entry.result !== 'verified' ? errorWords(entry.error) : null;
  return (
    <tr data-testid="history-row" data-result={entry.result}>
      <td>
        {formatWhen(entry.time)}
        <span className="muted small block">took {formatDuration(entry.durationMs)}</span>
      </td>
      <td className="mono">
        <HostnameWords entry={entry} />
        {entry.ip && <span className="small block" data-testid="history-ip">{entry.ip}</span>}
        {entry.tableLine && <span className="muted small block" data-testid="history-table-row">{tableRowTitle({ row: entry.tableRow, line: entry.tableLine })}{entry.label ? `: ${entry.label}` : ''}</span>}
      </td>
      <DeviceCell device={entry.device} />
      <td title={entry.source.given}>
        {imageLabel(entry.source.given)}
        {entry.writtenSha256 && <span className="muted small block mono" title={`${WRITTEN_DIGEST_NAME}: ${entry.writtenSha256}. ${writtenDigestMeaning(WRITTEN_DIGEST_NAME)}`} data-testid="history-written-hash">image data {entry.writtenSha256.slice(0, 12)}…</span>}
        {entry.configSha256 && <span className="muted small block mono" title={`sha256 of the Ignition config written: ${entry.configSha256}`} data-testid="history-config-hash">config {entry.configSha256.slice(0, 12)}…</span>}
      </td>
      <td>
        <span className={`history-result history-${entry.result}`}>{resultWords[entry.result]}</span>
        {error && <span className="small block" data-testid="history-error-words" data-code={entry.error?.code}>{errorLine(error, resultWords[entry.result])}</span>}
        {entry.oldData && (
          <span className={`small block${entry.oldData.discarded ? ' muted' : ''}`} data-testid="history-old-data" data-discarded={entry.oldData.discarded} title={oldDataWords(entry.oldData)}>
            {oldDataShortWords(entry.oldData)}
          </span>
        )}
        {entry.checkin && <span className="small block" data-testid="history-checkin" data-state={entry.checkin.state} title={checkinLine(entry.checkin)}>{checkinSummary(entry.checkin)}</span>}
      </td>
    </tr>
  );
}

export function HistoryView() {
  const entries = useHistory((s) => s.entries);
  const busy = useHistory((s) => s.busy);
  const error = useHistory((s) => s.error);
  const printing = useHistory((s) => s.printing);
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
                <tr><th>Time</th><th>Hostname and address</th><th>Device</th><th>Image</th><th>Result</th></tr>
              </thead>
              <tbody>
                {entries.map((entry) => <HistoryRow key={`${entry.jobId}-${entry.card}`} entry={entry} />)}
              </tbody>
            </table>
          </div>
        )}
        {entries?.length === HISTORY_VIEW_LIMIT && <p className="muted small">The newest {HISTORY_VIEW_LIMIT} cards are shown; “Save every card as a spreadsheet” has them all.</p>}
        {entries && entries.length > 0 && <BatchExport entries={entries} />}
        {error && <ErrorNotice error={error} testId="history-error" />}
        {printing && printing.length > 0 && <BatchPrintView batch={printing} />}
      </div>
      <footer className="panel-actions">
        <button type="button" className="button" onClick={() => history.hide()} data-testid="history-close">Back to writing</button>
        <span className="spacer" />
        <button type="button" className="button primary" disabled={busy || !entries?.length} onClick={() => void history.exportCsv()} data-testid="history-export">Save every card as a spreadsheet (CSV)</button>
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
