/**
 * The write step's summary of a provisioned batch, before anything is written: which card gets
 * which name and table row (batch:preview, taking nothing), the rows left, and names the history
 * already holds, which must be confirmed before the write can start.
 */
import { useEffect } from 'react';
import { tableRowCell } from '../../../../shared/provisioning/table-row-words';
import { headingWord } from '../../../../shared/domain/medium-words';
import { fleetStore, profileStore, useFleet, useJob, useMedium, useProfile } from '../../stores';

export function BatchSummary({ devices }: { devices: string[] }) {
  const enabled = useProfile((s) => s.enabled);
  const form = useProfile((s) => s.form);
  const counterStart = useProfile((s) => s.counterStart);
  const table = useFleet((s) => s.table);
  const preview = useFleet((s) => s.preview);
  const confirmed = useFleet((s) => s.repeatsConfirmed);
  const key = devices.join('\n');
  // Back to the plan after a write: the series and the table's rows have moved on.
  const jobStatus = useJob((s) => s.status);
  const medium = useMedium();

  useEffect(() => {
    const { provisioning, counterStart: start } = profileStore.getState().flashFields();
    void fleetStore.getState().loadPreview({ provisioning, ...(start === undefined ? {} : { counterStart: start }) }, devices);
    // The device list is compared by its text: a new array with the same cards is no change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, form, counterStart, table, key, jobStatus]);

  if (!enabled || !preview) return null;
  const repeated = new Set(preview.repeatedNames);
  return (
    <div className="batch-summary stack" data-testid="batch-summary">
      <table className="batch-map">
        <thead>
          <tr><th>{headingWord(medium.one)}</th><th>Hostname</th>{table && <th>Table row</th>}{table && <th>Label</th>}</tr>
        </thead>
        <tbody>
          {preview.cards.map((card) => (
            <tr key={card.card} data-testid="batch-card" data-device={devices[card.card - 1]}>
              <td className="mono">{devices[card.card - 1]}</td>
              <td className="mono">{card.hostname ?? '—'}{card.hostname && repeated.has(card.hostname) ? <span className="badge badge-warning"> already written</span> : null}</td>
              {table && <td>{card.tableLine ? tableRowCell({ row: card.tableRow, line: card.tableLine }) : '—'}</td>}
              {table && <td>{card.label ?? ''}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      {preview.rowsLeft !== undefined && <p className="muted small" data-testid="rows-left">{preview.rowsLeft} unused row{preview.rowsLeft === 1 ? '' : 's'} in the table before this batch.</p>}
      {repeated.size > 0 && (
        <div className="drive-warning" role="alert" data-testid="repeated-names">
          <p>The history already holds a card named {[...repeated].map((n) => `“${n}”`).join(', ')}. Two devices with one name collide on the network.</p>
          <label className="checkbox-label">
            <input type="checkbox" checked={confirmed} onChange={(e) => fleetStore.getState().confirmRepeats(e.target.checked)} data-testid="confirm-repeated-names" />
            Write {repeated.size === 1 ? 'this name' : 'these names'} again anyway
          </label>
        </div>
      )}
    </div>
  );
}
