import type { FlashPhase, TargetState } from '../../../../shared/domain/flash';
import { jobStore, useConnection, useJob } from '../../stores';
import { formatEta, formatSize, formatSpeed, percent } from '../../format';

const phaseWords: Record<FlashPhase, string> = {
  preparing: 'Preparing',
  decompressing: 'Decompressing',
  writing: 'Writing',
  verifying: 'Verifying',
  provisioning: 'Setting up first boot',
  done: 'Finishing',
};

export const targetStateWords: Record<TargetState['state'], string> = {
  pending: 'Waiting',
  writing: 'Writing',
  verifying: 'Verifying',
  provisioning: 'Setting up first boot',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function ProgressView() {
  const progress = useJob((s) => s.progress);
  const status = useJob((s) => s.status);
  const requested = useJob((s) => s.request?.targets);
  const connection = useConnection((s) => s.state);
  const targets = progress?.targets ?? requested?.map((device): TargetState => ({ device, state: 'pending', bytesWritten: 0 })) ?? [];
  const pct = progress ? percent(progress.bytes, progress.totalBytes) : null;
  const phase = progress ? phaseWords[progress.phase] : 'Starting';
  const starting = !progress || (progress.phase === 'preparing' && progress.bytes === 0);
  const details = starting ? [] : [progress.totalBytes ? `${formatSize(progress.bytes)} of ${formatSize(progress.totalBytes)}` : formatSize(progress.bytes), formatSpeed(progress.speed), formatEta(progress.etaSeconds)].filter(Boolean);

  return (
    <div className="stack" data-testid="progress" data-phase={progress?.phase ?? 'starting'}>
      <div className="progress-head">
        <strong className="progress-phase" aria-live="polite">
          {status === 'cancelling' ? 'Cancelling…' : phase}
        </strong>
        <span className="progress-percent">{pct === null ? '' : `${pct}%`}</span>
      </div>
      <div className="progress-bar" role="progressbar" aria-label={phase} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
        <div className={`progress-fill${pct === null ? ' indeterminate' : ''}`} style={{ width: pct === null ? undefined : `${pct}%` }} />
      </div>
      <p className="muted">{details.join(' · ') || 'Checking the image and the drives…'}</p>
      {connection !== 'open' && (
        <p className="drive-warning" role="status">
          The connection to the station dropped. The station goes on writing; this page shows the result if it reconnects before the end. Do not remove the cards meanwhile.
        </p>
      )}
      <ul className="target-list" aria-label="Drives being written">
        {targets.map((target) => (
          <li key={target.device} className={`target target-${target.state}`} data-testid="target-progress" data-device={target.device}>
            <span className="mono">{target.device}</span>
            <span>{targetStateWords[target.state]}</span>
            {target.error && <span className="drive-reason">{target.error.message}</span>}
          </li>
        ))}
      </ul>
      <div>
        <button type="button" className="button" disabled={status !== 'running'} onClick={() => void jobStore.getState().cancel()} data-testid="cancel-button">
          Cancel
        </button>
      </div>
    </div>
  );
}
