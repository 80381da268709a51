/**
 * A download's progress, where it was started: the Download tab, or the chosen catalog image's
 * "Download only". While it runs: its phase, share, bytes, speed and time left; once it is in the
 * image cache, how it was checked (whose signature).
 */
import type { ImagePhase, ImageProgress } from '../../../../shared/domain/images';
import { formatEta, formatSize, formatSpeed, percent } from '../../format';
import { useDownloads, useImage } from '../../stores';
import { activePhases } from './downloads-store';
import { VerificationBadge } from './verification-badge';

const phaseWords: Record<ImagePhase, string> = {
  resolving: 'Looking up the image',
  downloading: 'Downloading',
  verifying: 'Checking the checksum and signature',
  done: 'Ready',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function DownloadProgress({ current, testId }: { current: ImageProgress; testId: string }) {
  const active = activePhases.has(current.phase);
  const pct = percent(current.bytes, current.totalBytes);
  return (
    <section className="stack" aria-label="Download progress" data-testid={testId} data-phase={current.phase}>
      <div className="progress-head">
        <strong className="progress-phase" aria-live="polite">{phaseWords[current.phase]}</strong>
        <span className="progress-percent">{pct === null ? '' : `${pct}%`}</span>
      </div>
      {active && (
        <div className="progress-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
          <div className="progress-fill" style={{ width: `${pct ?? 0}%` }} />
        </div>
      )}
      {active && current.bytes > 0 && (
        <p className="muted small">{[current.totalBytes ? `${formatSize(current.bytes)} of ${formatSize(current.totalBytes)}` : formatSize(current.bytes), formatSpeed(current.speed), formatEta(current.etaSeconds)].filter(Boolean).join(' · ')}</p>
      )}
      {current.entry && <VerificationBadge verification={current.entry.verification} />}
    </section>
  );
}

/**
 * Under the chosen image, when it is the file a download just handed back: that it was downloaded
 * and kept, and how it was checked, where the person looks (not only in the Download tab).
 */
export function DownloadedNote() {
  const chosen = useImage((s) => s.path);
  const entry = useDownloads((s) => (s.current?.phase === 'done' && s.current.path === chosen ? s.current.entry : undefined));
  if (!entry) return null;
  return (
    <p className="small" data-testid="image-downloaded">
      Downloaded and kept in the image cache, so no card waits for it. How it was checked: <VerificationBadge verification={entry.verification} />
    </p>
  );
}
