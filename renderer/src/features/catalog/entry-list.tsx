/**
 * What fits the chosen board, one button per entry: a click chooses it (no second "use" step).
 * Ready-made raw images come first; containers, which need a build or a first-boot switch, sit
 * under "Advanced", opened by themselves when a search only matches containers.
 */
import { deliveryExplained, type Board } from '../../../../shared/domain/board';
import { catalogOffline, mirrorGapOf, type BoardEntry, type CatalogEntry } from '../../../../shared/domain/catalog';
import { WhatIsThis } from '../../components/what-is-this';
import { useShallow } from 'zustand/react/shallow';
import { catalogStore, useCatalog, useDownloads } from '../../stores';
import { failedDownloadSource } from '../image/downloads-store';
import { choiceShown } from './choice-shown';
import { CustomRef } from './custom-ref';
import { entryFacts, entryTitle } from './entry-words';

/** Under a raw image the person's own mirror answered without: where it would come from instead. */
function MirrorGapNote({ entry }: { entry: CatalogEntry }) {
  const catalog = useCatalog((s) => s.catalog);
  const gap = catalog ? mirrorGapOf(catalog, entry) : null;
  if (!gap) return null;
  let host = '';
  try {
    host = entry.url ? new URL(entry.url).host : '';
  } catch {
    // No address to name.
  }
  return (
    <span className="catalog-gap small" data-testid="catalog-mirror-gap">
      Not on your mirror ({gap.mirror}){host ? `: it would be downloaded from ${host}` : ''}.
    </span>
  );
}

function EntryButton({ item, board, recommended }: { item: BoardEntry; board: Board; recommended: boolean }) {
  const failedSource = useDownloads(failedDownloadSource);
  const shown = useCatalog(useShallow((s) => choiceShown(s, failedSource)));
  const { entry, delivery } = item;
  const selected = shown.chosenId === entry.id;
  const failed = shown.failedId === entry.id;
  return (
    <li>
      <button
        type="button"
        className={`catalog-entry${selected ? ' selected' : ''}${failed ? ' failed' : ''}`}
        aria-pressed={selected}
        data-failed={failed || undefined}
        onClick={() => void catalogStore.getState().choose(entry.id)}
        data-testid="catalog-entry"
        data-entry={entry.id}
        data-arch={entry.architectures.join(',')}
      >
        <strong>{entryTitle(entry, board)}</strong>
        <span className="badges">
          {recommended && <span className="badge support-supported">recommended</span>}
          {!entry.stable && <span className="badge badge-warn">prerelease</span>}
          {entry.source === 'custom' && <span className="badge">your container</span>}
        </span>
        <span className="catalog-facts muted small">{entryFacts(entry)}</span>
        <span className="catalog-delivery small">{deliveryExplained[delivery]}</span>
        <MirrorGapNote entry={entry} />
        {failed && <span className="catalog-failed small" data-testid="catalog-entry-failed">Could not be downloaded: see why below. Nothing was chosen by this click.</span>}
      </button>
    </li>
  );
}

function Entries({ items, board, recommendedId, label }: { items: BoardEntry[]; board: Board; recommendedId: string | null; label: string }) {
  return (
    <ul className="catalog-list" aria-label={label} data-testid="catalog-entries" data-step-start>
      {items.map((item) => <EntryButton key={item.entry.id} item={item} board={board} recommended={item.entry.id === recommendedId} />)}
    </ul>
  );
}

export function EntryList({ entries, board, recommendedId }: { entries: BoardEntry[]; board: Board; recommendedId: string | null }) {
  const searching = useCatalog((s) => s.query.trim() !== '');
  const offline = useCatalog((s) => s.catalog !== null && catalogOffline(s.catalog));
  const ready = entries.filter((f) => f.entry.kind === 'raw-image');
  const containers = entries.filter((f) => f.entry.kind !== 'raw-image');
  return (
    <>
      {ready.length > 0 && <Entries items={ready} board={board} recommendedId={recommendedId} label="Ready-made images for this board" />}
      {searching && entries.length === 0 && <p className="empty" data-testid="catalog-empty">Nothing fits this search.</p>}
      {/* No search typed: "nothing fits this search" would blame a search nobody made. */}
      {!searching && ready.length === 0 && (
        <p className="empty" data-testid="catalog-empty">
          The list of releases shown has no ready-made image for this board{offline ? ' (it is the list kept from the last time this computer was online)' : ''}.
          {offline ? ' Connect to the internet and press Retry above, or use' : ' Use'} an image file you already have (below){containers.length > 0 ? ', or start from a container' : ''}.
        </p>
      )}
      <details className="advanced" open={(searching && containers.length > 0 && ready.length === 0) || undefined} data-testid="catalog-advanced">
        <summary>Advanced: start from a container</summary>
        <p className="small muted">A bootc container is built into a disk image on this computer, or the card switches to it at first boot. <WhatIsThis term="containerImage" /></p>
        {containers.length > 0 && <Entries items={containers} board={board} recommendedId={recommendedId} label="Containers for this board" />}
        <CustomRef />
      </details>
    </>
  );
}
