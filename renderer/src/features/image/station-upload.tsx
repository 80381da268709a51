/**
 * "Upload an image to the station": for a person whose image is on the computer with the browser
 * while the card readers are on the station. A file chosen here (or dropped on the image file box)
 * is sent with a progress bar, bytes, speed and Cancel, then chosen as the image to write. Shown
 * only in a station's page.
 */
import { useRef, type ChangeEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatEta, formatSize, formatSpeed, percent } from '../../format';
import { imageStore, uploadStore, useUpload } from '../../stores';

const acceptedExtensions = '.raw,.img,.iso,.bin,.xz,.gz,.bz2,.zst,.zip';

function UploadProgress() {
  const { name, progress } = useUpload(useShallow((s) => ({ name: s.name, progress: s.progress })));
  if (!progress) return null;
  const pct = percent(progress.bytes, progress.totalBytes);
  const sent = progress.totalBytes !== null && progress.bytes >= progress.totalBytes;
  const figures = [`${formatSize(progress.bytes)} of ${formatSize(progress.totalBytes)}`, formatSpeed(progress.speed), formatEta(progress.etaSeconds)];
  return (
    <div className="stack" data-testid="upload-progress">
      <div className="progress-head">
        <strong aria-live="polite">{sent ? `Saving “${name}” on the station…` : `Uploading “${name}”`}</strong>
        <span className="progress-percent">{pct === null ? '' : `${pct}%`}</span>
      </div>
      <div className="progress-bar" role="progressbar" aria-label={`Uploading ${name ?? ''}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
        <div className="progress-fill" style={{ width: `${pct ?? 0}%` }} />
      </div>
      <div className="row">
        <span className="muted small" data-testid="upload-figures">{figures.filter(Boolean).join(' · ')}</span>
        <button type="button" className="button small" onClick={() => uploadStore.getState().cancel()} data-testid="upload-cancel">
          Cancel upload
        </button>
      </div>
    </div>
  );
}

function UploadOutcome() {
  const { status, name, error } = useUpload(useShallow((s) => ({ status: s.status, name: s.name, error: s.error })));
  if (status === 'failed' && error) {
    return (
      <div className="notice notice-error" role="alert" data-testid="upload-error">
        <strong className="notice-title">The upload did not go through</strong>
        <p className="notice-message">{error}</p>
      </div>
    );
  }
  if (status === 'cancelled') return <p className="muted small" role="status" data-testid="upload-cancelled">Upload cancelled: nothing of it was kept on the station.</p>;
  if (status === 'done') return <p className="muted small" role="status" data-testid="upload-done">“{name}” is saved on the station and chosen below.</p>;
  return null;
}

/** `onChosen` hears the path of the uploaded image once it is the chosen one. */
export function StationUpload({ onChosen }: { onChosen(path: string): void }) {
  const available = useUpload((s) => s.available);
  const uploading = useUpload((s) => s.status === 'uploading');
  const input = useRef<HTMLInputElement>(null);
  if (!available) return null;
  const picked = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    // The same file may be picked again after a failure: the input must report it as a change.
    event.target.value = '';
    if (file) await uploadFile(file, onChosen);
  };
  return (
    <section className="station-upload stack" aria-label="Upload an image to the station" data-testid="station-upload">
      <div className="row">
        <button type="button" className="button" disabled={uploading} onClick={() => input.current?.click()} data-testid="upload-button">
          Upload an image to the station…
        </button>
        <input ref={input} type="file" accept={acceptedExtensions} hidden onChange={(event) => void picked(event)} data-testid="upload-input" />
      </div>
      <p className="muted small">The file goes from this computer into the station’s images folder, and is then the chosen image. Dropping it on this box does the same.</p>
      {uploading && <UploadProgress />}
      <UploadOutcome />
    </section>
  );
}

/** Uploads `file` and reports the chosen path: the button and the drop zone both end here. */
export async function uploadFile(file: File, onChosen: (path: string) => void): Promise<void> {
  if (await uploadStore.getState().start(file)) onChosen(imageStore.getState().path);
}
