/**
 * A download that failed, with the ways on: try it again, or take the image from somewhere that
 * needs no network (a file at hand, or an image downloaded earlier).
 */
import type { ErrorInfo } from '../../../../shared/errors';
import { ErrorNotice } from '../../components/error-notice';
import { downloadsStore, uiStore } from '../../stores';

/** The ways on after a failed download, for a red failure and a calm offline notice alike. */
export function DownloadWaysOn() {
  return (
    <>
      <button type="button" className="button" onClick={() => void downloadsStore.getState().retry()}>
        Retry
      </button>
      <button type="button" className="button" onClick={() => uiStore.getState().showImageSource('file')}>
        Use a file you have
      </button>
      <button type="button" className="button" onClick={() => uiStore.getState().showImageSource('cache')}>
        Use a cached image
      </button>
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
