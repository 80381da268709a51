import { useJob } from '../../stores';
import { formatDuration, formatSize } from '../../format';
import { ErrorNotice } from '../error-notice';
import { targetStateWords } from './progress-view';

interface ResultViewProps {
  /** Write the same image to the same drives again (e.g. after a failure). */
  onAgain(): void;
  /** Keep the image, choose new cards. */
  onNewCards(): void;
}

export function ResultView({ onAgain, onNewCards }: ResultViewProps) {
  const result = useJob((s) => s.result);
  if (!result) return null;
  const good = result.targets.filter((t) => t.state === 'done' && t.verified);
  const allGood = result.ok && good.length === result.targets.length;

  return (
    <div className="stack" data-testid={allGood ? 'result-success' : 'result-failure'}>
      <div className={`result-banner ${allGood ? 'result-ok' : 'result-bad'}`} role="status">
        <span className="result-icon" aria-hidden="true">{allGood ? '✓' : '!'}</span>
        <div>
          <strong>
            {allGood
              ? result.targets.length === 1 ? 'The card is ready' : `All ${result.targets.length} cards are ready`
              : good.length > 0 ? `${good.length} of ${result.targets.length} cards are ready` : 'Writing did not succeed'}
          </strong>
          <p className="muted">
            {formatSize(result.imageSize)} written in {formatDuration(result.durationMs)}
            {allGood ? ', and every byte read back and checked.' : '.'}
          </p>
        </div>
      </div>
      <ul className="result-list">
        {result.targets.map((target) => (
            <li key={target.device} className={`result-target target-${target.state}`} data-testid="target-result" data-device={target.device} data-state={target.state}>
              <div className="result-target-head">
                <span className="mono">{target.device}</span>
                <span>{target.verified ? 'Verified' : targetStateWords[target.state]}</span>
                {target.hostname && <span className="badge">{target.hostname}</span>}
              </div>
              {target.writtenSha256 && (
                <p className="checksum">
                  <span className="muted">SHA-256 of the written bytes </span>
                  <code data-testid="target-sha256">{target.writtenSha256}</code>
                </p>
              )}
              {target.error && <ErrorNotice error={target.error} testId="target-error" />}
            </li>
        ))}
      </ul>
      <div className="row">
        <button type="button" className="button primary" onClick={onNewCards} data-testid="flash-new-cards">
          Write more cards
        </button>
        {!allGood && (
          <button type="button" className="button" onClick={onAgain} data-testid="flash-again">
            Try again
          </button>
        )}
      </div>
    </div>
  );
}
