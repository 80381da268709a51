/** Earlier builds: what, when, from which digest, how it ended; a finished one can be written again. */
import type { BuildRecord } from '../../../../shared/domain/build';
import { formatWhen } from '../../../../shared/format-time';
import { buildStore } from '../../stores';

const statusWords: Record<BuildRecord['status'], string> = { running: 'Running', succeeded: 'Built', failed: 'Failed', cancelled: 'Cancelled' };

export function BuildHistoryList({ history }: { history: BuildRecord[] }) {
  if (!history.length) return null;
  return (
    <details className="advanced" data-testid="build-history">
      <summary>Earlier builds ({history.length})</summary>
      <ul className="plain-list stack">
        {history.map((record) => (
          <li key={record.id} className="target" data-status={record.status}>
            <div className="stack" style={{ gap: 2, flex: 1, minWidth: 0 }}>
              <strong>{record.reference} · {record.arch} · {statusWords[record.status]}</strong>
              <span className="muted small">
                {formatWhen(record.startedAt)}
                {record.digest ? ` · ${record.digest.slice(0, 19)}…` : ''}
                {record.error ? ` · ${record.error.message.split('\n')[0]}` : ''}
              </span>
            </div>
            {record.status === 'succeeded' && record.imagePath && (
              <button type="button" className="button" onClick={() => void buildStore.getState().choose(record)}>
                Write this image
              </button>
            )}
          </li>
        ))}
      </ul>
    </details>
  );
}
