/**
 * A download that failed, with the ways on: try it again, or take the image from somewhere that
 * needs no network (the same file already in the images folder, a file at hand, or an image
 * downloaded earlier, when there is one).
 */
import { useEffect } from 'react';
import { archInName } from '../../../../shared/domain/board-fit';
import type { ErrorInfo } from '../../../../shared/errors';
import { ErrorNotice } from '../../components/error-notice';
import { chosenBoard } from '../catalog/catalog-store';
import { cacheStore, downloadsStore, useCache, useCatalog, useDownloads } from '../../stores';
import { FolderCopyOffer } from './folder-copy';
import { openSourceTab } from './source-tab';

/**
 * How many cached images could serve the chosen board (null until known): an image whose name says
 * another architecture is not counted, so a PC is not sent to a list holding only Arm images. Asks
 * the core once when nobody has yet.
 */
export function useCachedImageCount(): number | null {
  const arch = useCatalog((s) => chosenBoard(s)?.arch ?? null);
  const count = useCache((s) => s.summary?.entries.filter((entry) => !arch || [null, arch].includes(archInName(entry.name))).length ?? null);
  useEffect(() => {
    if (cacheStore.getState().summary === null && !cacheStore.getState().busy) void cacheStore.getState().load();
  }, []);
  return count;
}

/** The ways on after a failed download, for a red failure and a calm offline notice alike. */
export function DownloadWaysOn() {
  // An empty cache offers nothing: no button that leads to an empty list.
  const cached = useCachedImageCount();
  const trying = useDownloads((s) => s.retrying !== null);
  return (
    <>
      <FolderCopyOffer />
      {/* Not disabled while trying: a disabled button would drop the keyboard to the page's start. */}
      <button type="button" className="button" aria-disabled={trying} onClick={() => { if (!trying) void downloadsStore.getState().retry(); }} data-testid="download-retry">
        {trying ? 'Trying…' : 'Retry'}
      </button>
      <button type="button" className="button" onClick={() => openSourceTab('file')}>
        Use a file you have
      </button>
      {cached !== null && cached > 0 && (
        <button type="button" className="button" onClick={() => openSourceTab('cache')}>
          Use a cached image
        </button>
      )}
    </>
  );
}

export function DownloadFailure({ error, testId }: { error: ErrorInfo; testId: string }) {
  return (
    <ErrorNotice error={error} testId={testId}>
      <DownloadWaysOn />
    </ErrorNotice>
  );
}
