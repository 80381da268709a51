/** Where the catalog comes from, and quiet notices for sources that did not answer (never a dialog). */
import type { Catalog } from '../../../../shared/domain/catalog';
import { catalogStore, useCatalog } from '../../stores';

function originWords(catalog: Catalog): string {
  if (catalog.origin === 'snapshot') return `Snapshot of ${catalog.snapshotDate}, shipped with the app`;
  const when = catalog.updatedAt ? new Date(catalog.updatedAt).toLocaleString() : 'an earlier refresh';
  return catalog.origin === 'live' ? `Up to date (${when})` : `From ${when}`;
}

export function CatalogNotices({ catalog }: { catalog: Catalog }) {
  const refreshing = useCatalog((s) => s.refreshing);
  const quiet = catalog.sources.filter((s) => s.state !== 'ok');
  return (
    <div className="catalog-origin small" data-testid="catalog-origin" data-origin={catalog.origin}>
      <span className="muted">{refreshing ? 'Checking Fedora for news…' : originWords(catalog)}</span>
      <button type="button" className="link-button" onClick={() => void catalogStore.getState().refresh()} disabled={refreshing}>
        Refresh
      </button>
      {quiet.length > 0 && !refreshing && (
        <details className="catalog-notices" data-testid="catalog-notices">
          <summary className="muted">{quiet.length === 1 ? '1 source not reached' : `${quiet.length} sources not reached`}</summary>
          <ul className="plain-list muted">
            {quiet.map((s) => (
              <li key={s.id}>
                {s.id}: {s.message ?? s.state}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
