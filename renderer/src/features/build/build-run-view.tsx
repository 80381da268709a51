/** A running or finished build: its phase and percent, the builder's log, cancel, and the outcome. */
import { useEffect, useRef } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { PreflightChecklist } from './preflight-checklist';
import type { RunningBuild } from './build-store';
import { buildStore } from '../../stores';

export function BuildRunView({ build }: { build: RunningBuild }) {
  const logRef = useRef<HTMLPreElement>(null);
  useEffect(() => {
    // Follow the log as it grows, like a terminal.
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [build.log.length]);
  const running = build.status === 'running';

  return (
    <section className="stack" aria-label="Build" data-testid="build-run" data-status={build.status} data-build-id={build.id}>
      <div className="progress-head">
        <strong className="progress-phase" data-testid="build-phase">{build.message}</strong>
        <span className="progress-percent">{Math.round(build.percent)}%</span>
      </div>
      <div className="progress-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(build.percent)}>
        <div className="progress-fill" style={{ width: `${build.percent}%` }} />
      </div>
      {running && (
        <div className="row">
          <button type="button" className="button" onClick={() => void buildStore.getState().cancel()} data-testid="build-cancel">
            Cancel build
          </button>
          <span className="muted small">Cancelling stops the builder and removes the unfinished image.</span>
        </div>
      )}
      {build.status === 'succeeded' && build.record?.imagePath && (
        <p className="notice" data-testid="build-done">
          Built and chosen as the image to write: <span className="path">{build.record.imagePath}</span>
        </p>
      )}
      {build.record?.error && build.status !== 'succeeded' && <ErrorNotice error={build.record.error} testId="build-error" />}
      {build.preflight.some((c) => !c.ok) && <PreflightChecklist checks={build.preflight} />}
      <details open={running || build.status === 'failed'}>
        <summary>Builder log</summary>
        <pre className="build-log" ref={logRef} data-testid="build-log" tabIndex={0}>
          {build.log.join('\n')}
        </pre>
      </details>
    </section>
  );
}
