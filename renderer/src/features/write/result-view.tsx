import { useEffect, useRef } from 'react';
import { imageCacheNotes, type FlashResult } from '../../../../shared/domain/flash';
import { oldDataWords } from '../../../../shared/domain/old-data';
import { WRITTEN_DIGEST_NAME, writtenDigestMeaning } from '../../../../shared/domain/written-digest';
import { tableRowTitle } from '../../../../shared/provisioning/table-row-words';
import { useCatalog, useJob } from '../../stores';
import { formatDuration, formatSize } from '../../format';
import { ErrorNotice } from '../../components/error-notice';
import { OnCardFailures } from '../../components/on-card-failures';
import { targetStateWords } from './progress-view';
import { NextSteps } from './next-steps';
import { CameUpLines } from '../checkin';
import { mediumWords, type MediumWords } from './device-words';
import { remedyForAll, retryCanHelp, type FailureRemedy } from '../../../../shared/domain/failure-remedy';

/** Refusals that concern only the first-boot setup: the image itself can still be written. */
const firstBootRefusals = new Set<string>(['NOT_FEDORA_IOT', 'ZEZERE_UNSUPPORTED']);

interface ResultViewProps {
  /** Rewrite only the cards that failed, each with its own values; `eraseOther`: another card in its reader may be erased. */
  onRetryFailed(eraseOther?: boolean): void;
  /** Keep the image, choose new cards. */
  onNewCards(): void;
  /** Open the step that fixes the failure (the image, the drives or First boot), keeping every choice made. */
  onFix(step: 'image' | 'drives' | 'provisioning'): void;
  /** The image cannot take the first-boot setup: turn it off and go back to write without it. */
  onWithoutFirstBoot(): void;
}

/** The button that leads to the fix of a failure no retry can mend, and the step it opens. */
function fixButton(remedy: Exclude<FailureRemedy, 'retry'>, tooSmall: boolean, medium: MediumWords): { label: string; step: 'image' | 'drives' | 'provisioning' } {
  if (remedy === 'image') return { label: 'Choose another image', step: 'image' };
  if (remedy === 'card') return { label: tooSmall ? `Choose a larger ${medium.one}` : `Choose another ${medium.one}`, step: 'drives' };
  return { label: 'Back to First boot', step: 'provisioning' };
}

/**
 * The button that writes the stopped cards again: after a person's own Cancel it is no retry of a
 * failure, and when the download was kept it says the write continues it.
 */
function writeAgainLabel(result: FlashResult, failed: FlashResult['targets'], medium: MediumWords): string {
  const cards = failed.length === 1 ? `the ${medium.one}` : `the ${failed.length} ${medium.many}`;
  const label = failed.every((t) => t.state === 'cancelled') ? `Write ${cards} again` : `Retry failed ${medium.many}`;
  return result.downloadLeft?.kept ? `${label}, continuing the download` : label;
}

/** The banner's two lines: what the user can now do with the cards, in one sentence each. */
function headline(result: FlashResult, medium: MediumWords): { ok: boolean; title: string; detail: string } {
  const total = result.targets.length;
  const good = result.targets.filter((t) => t.state === 'done');
  const took = formatDuration(result.durationMs);
  if (result.ok && good.length === total) {
    const verified = good.every((t) => t.verified);
    // Only what the image's filesystems use is written; say so, so a fast write does not look suspicious.
    const written = result.writtenBytes !== undefined && result.writtenBytes < result.imageSize
      ? `${formatSize(result.imageSize)} image (${formatSize(result.writtenBytes)} of data, the rest is free space) written in ${took}`
      : `${formatSize(result.imageSize)} written in ${took}`;
    return {
      ok: true,
      title: total === 1 ? `The ${medium.one} is ready` : `All ${total} ${medium.many} are ready`,
      detail: `${written}${verified ? ', and every written byte read back and checked.' : '. Not verified: verification was turned off.'}`,
    };
  }
  if (result.targets.every((t) => t.state === 'cancelled')) {
    return { ok: false, title: 'Writing was cancelled', detail: `Stopped after ${took}.` };
  }
  const title = good.length > 0 ? `${good.length} of ${total} ${medium.many} are ready` : 'Writing did not succeed';
  return { ok: false, title, detail: `Stopped after ${took}. What went wrong, and what to do next, is below.` };
}

export function ResultView({ onRetryFailed, onNewCards, onFix, onWithoutFirstBoot }: ResultViewProps) {
  const result = useJob((s) => s.result);
  const request = useJob((s) => s.request);
  // The outcome takes the keyboard when it appears (the Flash button it replaced is gone), so the
  // next Tab reaches what to do next rather than starting again from the top of the page.
  const banner = useRef<HTMLDivElement>(null);
  const shown = result !== null;
  useEffect(() => {
    if (shown) banner.current?.focus();
  }, [shown]);
  const changedCard = useJob((s) => s.changedCard);
  const board = useCatalog((s) => s.boards.find((b) => b.id === request?.board) ?? null);
  if (!result) return null;
  const medium = mediumWords(board);
  const { ok, title, detail } = headline(result, medium);
  const firstBootRefused = [result.error, ...result.targets.map((t) => t.error)].some((error) => error && firstBootRefusals.has(error.code));
  // The failed cards' reasons decide what is offered: a retry only where writing again can help,
  // else the step that fixes it, first and in blue.
  const failed = result.targets.filter((t) => t.state === 'failed' || t.state === 'cancelled');
  const failureCodes = failed.map((t) => t.error?.code ?? result.error?.code);
  const retryable = failureCodes.some(retryCanHelp);
  const remedy = remedyForAll(failureCodes);
  const fix = !ok && remedy !== 'retry' ? fixButton(remedy, failureCodes.includes('TARGET_TOO_SMALL'), medium) : null;
  const anyWritten = result.targets.some((t) => t.state === 'done');

  return (
    <div className="stack" data-testid={ok ? 'result-success' : 'result-failure'}>
      <div className={`result-banner ${ok ? 'result-ok' : 'result-bad'}`} role="status" tabIndex={-1} ref={banner} data-testid="result-banner">
        <span className="result-icon" aria-hidden="true">{ok ? '✓' : '!'}</span>
        <div>
          <strong>{title}</strong>
          <p className="muted">{detail}</p>
        </div>
      </div>
      {result.sourceTrust?.signatureSkipped && <p className="drive-warning" data-testid="result-signature-skipped">The image’s signature was not checked (skipped at your request).</p>}
      {result.imageCache && <p className="muted" data-testid="result-image-cache">{imageCacheNotes[result.imageCache]}</p>}
      <OnCardFailures reports={result.onCard} />
      {/* Shown once here only when no card carries the reason itself. */}
      {result.error && !result.targets.some((t) => t.error) && <ErrorNotice error={result.error} testId="job-error" />}
      <ul className="result-list">
        {result.targets.map((target) => (
            <li key={target.device} className={`result-target target-${target.state}`} data-testid="target-result" data-device={target.device} data-state={target.state}>
              <div className="result-target-head">
                <span className="mono">{target.device}</span>
                <span>{target.verified ? 'Verified' : targetStateWords[target.state]}</span>
                {target.hostname && <span className="badge">{target.hostname}</span>}
                {target.tableLine && <span className="badge" data-testid="target-table-line">{tableRowTitle({ row: target.tableRow, line: target.tableLine })}{target.label ? `: ${target.label}` : ''}</span>}
              </div>
              {target.writtenSha256 && (
                <p className="checksum">
                  <span className="muted">{WRITTEN_DIGEST_NAME} </span>
                  <code data-testid="target-sha256">{target.writtenSha256}</code>
                </p>
              )}
              {target.oldData && target.state === 'done' && (
                <p className={target.oldData.discarded ? 'muted' : 'drive-warning'} data-testid="target-old-data" data-discarded={target.oldData.discarded}>{oldDataWords(target.oldData)}</p>
              )}
              {target.error && <ErrorNotice error={target.error} testId="target-error" />}
            </li>
        ))}
      </ul>
      {result.targets.some((t) => t.writtenSha256) && <p className="muted small" data-testid="written-sha256-meaning">{writtenDigestMeaning(WRITTEN_DIGEST_NAME, medium.one)}</p>}
      <CameUpLines jobId={result.jobId} devices={result.targets.map((t) => t.device)} />
      {ok && <NextSteps request={request} targets={result.targets} board={board} />}
      {changedCard && (
        <ErrorNotice error={changedCard} testId="retry-changed-card">
          <button type="button" className="button danger" onClick={() => onRetryFailed(true)} data-testid="retry-erase-other">
            Erase this {medium.one} and write it
          </button>
        </ErrorNotice>
      )}
      <div className="row">
        {fix && (
          <button type="button" className="button primary" onClick={() => onFix(fix.step)} data-testid="failure-next-step">
            {fix.label}
          </button>
        )}
        {!ok && retryable && (
          <button type="button" className={`button${fix ? '' : ' primary'}`} onClick={() => onRetryFailed()} data-testid="flash-again">
            {writeAgainLabel(result, failed, medium)}
          </button>
        )}
        {(ok || anyWritten) && (
          <button type="button" className={`button${ok ? ' primary' : ''}`} onClick={onNewCards} data-testid="flash-new-cards">
            Write more {medium.many}
          </button>
        )}
        {firstBootRefused && (
          <button type="button" className="button" onClick={onWithoutFirstBoot}>
            Write anyway without first-boot setup
          </button>
        )}
      </div>
    </div>
  );
}
