/**
 * A download that failed, with the ways on: try it again, or take the image from somewhere that
 * needs no network (a file at hand, or an image downloaded earlier, when there is one).
 */
import { useEffect } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import { ErrorNotice } from '../../components/error-notice';
import { cacheStore, downloadsStore, uiStore, useCache } from '../../stores';

/** How many images the cache holds (null until known); asks the core once when nobody has yet. */
export function useCachedImageCount(): number | null {
  const count = useCache((s) => s.summary?.entries.length ?? null);
  useEffect(() => {
    if (cacheStore.getState().summary === null && !cacheStore.getState().busy) void cacheStore.getState().load();
  }, []);
  return count;
}

/** The ways on after a failed download, for a red failure and a calm offline notice alike. */
export function DownloadWaysOn() {
  // An empty cache offers nothing: no button that leads to an empty list.
  const cached = useCachedImageCount();
  return (
    <>
      <button type="button" className="button" onClick={() => void downloadsStore.getState().retry()}>
        Retry
      </button>
      <button type="button" className="button" onClick={() => uiStore.getState().showImageSource('file')}>
        Use a file you have
      </button>
      {cached !== null && cached > 0 && (
        <button type="button" className="button" onClick={() => uiStore.getState().showImageSource('cache')}>
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
