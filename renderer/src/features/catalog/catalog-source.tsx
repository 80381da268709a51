/**
 * The image step's "Fedora IoT" tab: choose the board, then click what fits it (newest stable
 * recommended), search, start from a container, or use a local file instead. The catalog shows at
 * once from the cache (or the shipped snapshot) and refreshes in the background.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { catalogOffline } from '../../../../shared/domain/catalog';
import type { ErrorInfo } from '../../../../shared/errors';
import { ErrorNotice } from '../../components/error-notice';
import { FileSource } from '../image/file-source';
import { DownloadFailure, DownloadWaysOn } from '../image/download-failure';
import { chosenBoard, recommendedId, visibleEntries } from './catalog-store';
import { percent } from '../../format';
import { archExplained, archWords, BoardPicker } from './board-picker';
import { CatalogNotices } from './catalog-notices';
import { WhatIsFedoraIot } from './what-is-fedora-iot';
import { EntryList } from './entry-list';
import { cardFit } from './entry-words';
import { allDrives } from '../drives/drives-store';
import { catalogStore, useCatalog, useDownloads, useDrives } from '../../stores';
import { useShallow } from 'zustand/react/shallow';
import './catalog.css';

/** performance mark read by the end-to-end test: when the catalog first showed after the page opened. */
export const CATALOG_SHOWN_MARK = 'fiot:catalog-shown';

/**
 * Offline, a download failure is no surprise: say so calmly, with the same ways on as any failure.
 * It appears under the list the person just clicked, so it is brought into view.
 */
function DownloadOffline() {
  const notice = useRef<HTMLDivElement>(null);
  useEffect(() => {
    notice.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  return (
    <div className="notice notice-calm" role="status" data-testid="catalog-download-offline" ref={notice}>
      <p><strong>No network:</strong> this image cannot be downloaded now (Fedora’s download server did not answer). Connect this computer to the internet and choose it again, or use an image you already have.</p>
      <div className="row">
        <DownloadWaysOn />
      </div>
    </div>
  );
}

/**
 * True when a download failed because Fedora could not be reached: no answer at all, a network
 * error, or (while the catalog knows it is offline) the CHECKSUM file the download fetches first
 * being out of reach.
 */
function failedOffline(error: ErrorInfo | null, catalogIsOffline: boolean): boolean {
  return error?.code === 'OFFLINE' || error?.code === 'NETWORK' || (catalogIsOffline && error?.code === 'SIGNATURE_MISSING');
}

/** A failure under the list the person just clicked, brought into view as the offline notice is. */
function InView({ error, children }: { error: ErrorInfo; children: ReactNode }) {
  const notice = useRef<HTMLDivElement>(null);
  useEffect(() => {
    notice.current?.scrollIntoView({ block: 'nearest' });
  }, [error]);
  return <div ref={notice}>{children}</div>;
}

/** The download a choice started, in one line (the Download tab has the full view); failures in full. */
function DownloadLine() {
  const current = useDownloads((s) => s.current);
  // While a Retry tries, the failure it means to mend stays shown (its Retry says "Trying…").
  const error = useDownloads((s) => s.error ?? s.retrying);
  const offline = useCatalog((s) => s.catalog !== null && catalogOffline(s.catalog));
  if (failedOffline(error, offline)) return <DownloadOffline />;
  if (error) {
    return (
      <InView error={error}>
        <DownloadFailure error={error} testId="catalog-download-error" />
      </InView>
    );
  }
  if (!current) return null;
  const pct = percent(current.bytes, current.totalBytes);
  return (
    <p className="muted small" role="status" data-testid="catalog-download" data-phase={current.phase}>
      {current.phase === 'done' ? 'Downloaded and checked: it is the chosen image below.' : `${current.phase}${pct === null ? '' : ` ${pct}%`} (details in the Download tab)`}
    </p>
  );
}

/** For a chosen raw image: the card it needs, and whether the cards in this computer are that large. */
function CardFit({ entryId }: { entryId: string }) {
  const entry = useCatalog((s) => s.catalog?.entries.find((e) => e.id === entryId));
  const cards = useDrives(useShallow(allDrives));
  const fit = entry ? cardFit(entry, cards) : null;
  if (!fit) return null;
  return <p className={`catalog-card-fit small${fit.tooSmall ? ' too-small' : ' muted'}`} role="status" data-testid="catalog-card-fit">{fit.words}</p>;
}

/** Back to the boards, with the keyboard on the one that was chosen (the button pressed is gone). */
function changeBoard(boardId: string): void {
  catalogStore.getState().chooseBoard(null);
  requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid="board-card"][data-board="${boardId}"]`)?.focus());
}

function BoardEntries() {
  const state = useCatalog((s) => s);
  const downloadFailed = useDownloads((s) => s.error !== null);
  const board = chosenBoard(state);
  if (!board) return null;
  const entries = visibleEntries(state);
  return (
    <div className="stack" data-testid="catalog-board" data-board={board.id}>
      <div className="board-head">
        <div>
          <strong>{board.name}</strong> <span className="badge" title={archExplained[board.arch]}>{archWords[board.arch]}</span>
        </div>
        <button type="button" className="link-button" onClick={() => changeBoard(board.id)} data-testid="change-board">
          Change device
        </button>
      </div>
      <p className="small muted">{board.notes[0]}</p>
      {board.notes.length > 1 && (
        <details className="small muted board-more">
          <summary>More about this board</summary>
          <ul className="board-notes">
            {board.notes.slice(1).map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </details>
      )}
      <label htmlFor="catalog-search" className="visually-hidden">Search images</label>
      <input id="catalog-search" type="search" className="input" placeholder="Search: version, container, architecture…" value={state.query} onChange={(e) => catalogStore.getState().setQuery(e.target.value)} data-testid="catalog-search" />
      <EntryList entries={entries} board={board} recommendedId={recommendedId(state)} />
      {state.error && (
        <InView error={state.error}>
          <ErrorNotice error={state.error} testId="catalog-error" />
        </InView>
      )}
      {state.picked && !downloadFailed && <p className="catalog-picked" role="status" data-testid="catalog-picked" data-delivery={state.picked.delivery}>{state.picked.message}</p>}
      {state.picked && !downloadFailed && <CardFit entryId={state.picked.entryId} />}
      <DownloadLine />
    </div>
  );
}

/** Before the first answer: a loading line, or why the catalog could not be read, with a retry. */
function CatalogPending({ status }: { status: string }) {
  const error = useCatalog((s) => s.error);
  if (status !== 'error' || !error) return <p className="muted" role="status">Loading the catalog…</p>;
  return (
    <div className="stack">
      <ErrorNotice error={error} testId="catalog-error" />
      <div className="row">
        <button type="button" className="button" onClick={() => void catalogStore.getState().load()}>Try again</button>
      </div>
    </div>
  );
}

export function CatalogSource() {
  const catalog = useCatalog((s) => s.catalog);
  const status = useCatalog((s) => s.status);
  const boardId = useCatalog((s) => s.boardId);

  useEffect(() => {
    if (catalog && performance.getEntriesByName(CATALOG_SHOWN_MARK).length === 0) performance.mark(CATALOG_SHOWN_MARK, { detail: catalog.origin });
  }, [catalog]);

  return (
    <div className="stack" data-testid={catalog ? 'catalog-source' : 'catalog-loading'}>
      {catalog ? <CatalogNotices catalog={catalog} /> : <CatalogPending status={status} />}
      {catalog && boardId && <BoardEntries />}
      {catalog && !boardId && (
        <>
          <WhatIsFedoraIot />
          <h2 className="catalog-question">Which device will it run on? A board such as a Raspberry Pi, or a PC or laptop</h2>
          <BoardPicker />
        </>
      )}
      {/* Always there, whatever the catalog's state: a file at hand never waits for the catalog. */}
      <section className="stack catalog-local" aria-label="Local image file">
        <h2 className="catalog-question">Or use an image file you already have</h2>
        <FileSource />
      </section>
    </div>
  );
}
