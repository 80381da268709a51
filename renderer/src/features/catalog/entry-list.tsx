/** What fits the chosen board: one radio row per entry, with its delivery in one plain sentence. */
import { deliveryExplained } from '../../../../shared/domain/board';
import type { BoardEntry } from '../../../../shared/domain/catalog';
import { formatSize } from '../../format';
import { catalogStore, useCatalog } from '../../stores';

function title(entry: BoardEntry['entry']): string {
  const kind = entry.kind === 'raw-image' ? 'Fedora IoT raw image' : `${entry.variant} bootc container`;
  return `${kind} ${entry.version}`;
}

export function EntryList({ entries }: { entries: BoardEntry[] }) {
  const selectedId = useCatalog((s) => s.selectedId);
  if (entries.length === 0) return <p className="empty" data-testid="catalog-empty">Nothing fits this search.</p>;
  return (
    <ul className="catalog-list" role="radiogroup" aria-label="Images for this board" data-testid="catalog-entries">
      {entries.map(({ entry, delivery }) => (
        <li key={entry.id}>
          <label className={`catalog-entry${entry.id === selectedId ? ' selected' : ''}`} data-testid="catalog-entry" data-entry={entry.id} data-arch={entry.architectures.join(',')}>
            <input type="radio" name="catalog-entry" checked={entry.id === selectedId} onChange={() => catalogStore.getState().select(entry.id)} />
            <span className="catalog-entry-main">
              <strong>{title(entry)}</strong>
              <span className="badges">
                {!entry.stable && <span className="badge badge-warn">prerelease</span>}
                {entry.source === 'custom' && <span className="badge">your container</span>}
              </span>
              <span className="catalog-facts muted small">
                {[entry.architectures.join(', '), entry.date ?? 'date unknown', entry.size === null ? 'size unknown' : formatSize(entry.size), entry.reference ?? ''].filter(Boolean).join(' · ')}
              </span>
              <span className="catalog-delivery small">{deliveryExplained[delivery]}</span>
            </span>
          </label>
        </li>
      ))}
    </ul>
  );
}
