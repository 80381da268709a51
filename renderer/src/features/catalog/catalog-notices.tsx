/**
 * Where the catalog comes from, and quiet notices for sources that did not answer (never a dialog).
 * When none answered, one calm banner says so and what still works, with a Retry.
 */
import { useState } from 'react';
import { catalogOffline, catalogShownFrom, type Catalog } from '../../../../shared/domain/catalog';
import { formatWhen } from '../../../../shared/format-time';
import { catalogStore, useCatalog } from '../../stores';
import { useCachedImageCount } from '../image/download-failure';

/** "Up to date" only when every source answered: with some not reached, the list is only partly fresh. */
function originWords(catalog: Catalog): string {
  if (catalog.origin === 'snapshot') return `Snapshot of ${catalog.snapshotDate}, shipped with the app`;
  const when = catalog.updatedAt ? formatWhen(catalog.updatedAt) : 'an earlier refresh';
  if (catalog.origin !== 'live') return `From ${when}`;
  const answered = catalog.sources.filter((s) => s.state === 'ok').length;
  return answered === catalog.sources.length ? `Up to date (${when})` : `Partly updated (${when}): ${answered} of ${catalog.sources.length} sources answered`;
}

/**
 * No source answered. Says how old the list shown is (newer releases may exist), what works
 * without a network (only what there is: no cached images are promised when there are none), and
 * after a Retry, when it tried, so a quick "still no answer" is seen to be one.
 */
function OfflineBanner({ catalog }: { catalog: Catalog }) {
  const refreshing = useCatalog((s) => s.refreshing);
  const triedAt = useCatalog((s) => s.triedAt);
  const cached = useCachedImageCount();
  const [retried, setRetried] = useState(false);
  const retry = () => {
    if (refreshing) return;
    setRetried(true);
    void catalogStore.getState().refresh();
  };
  const works = cached ? 'images in the image cache and image files you have work' : 'an image file you already have works';
  return (
    <div className="notice notice-calm offline-banner" role="status" data-testid="catalog-offline">
      <p>
        <strong>You’re offline:</strong> showing the list of releases as it was on {catalogShownFrom(catalog)} (newer ones may exist); {works}.
      </p>
      <div className="row">
        {/* Not disabled while trying: a disabled button would drop the keyboard to the page's start. */}
        <button type="button" className="button" onClick={retry} aria-disabled={refreshing} data-testid="catalog-retry">
          {refreshing ? 'Trying…' : 'Retry'}
        </button>
        {retried && triedAt && !refreshing && <span className="muted small offline-tried" data-testid="catalog-tried">Tried again at {new Date(triedAt).toLocaleTimeString()}: still no answer.</span>}
      </div>
    </div>
  );
}

export function CatalogNotices({ catalog }: { catalog: Catalog }) {
  const refreshing = useCatalog((s) => s.refreshing);
  const quiet = catalog.sources.filter((s) => s.state !== 'ok');
  if (catalogOffline(catalog)) return <OfflineBanner catalog={catalog} />;
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
