import { useShallow } from 'zustand/react/shallow';
import { cardsDoneWords, phaseCountsCards, type FlashPhase, type FlashProgress, type TargetState } from '../../../../shared/domain/flash';
import { jobStore, useCatalog, useConnection, useJob } from '../../stores';
import { formatEta, formatSize, formatSpeed, percent } from '../../format';
import { cardCounts, type CardTrack } from './card-track';
import { mediumWords, type MediumWords } from './device-words';
import { DownloadPipes } from './download-pipes';
import './write.css';

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

/** Speed belongs to a card while bytes stream to or from it; setting up first boot is a few files. */
const streaming = new Set<TargetState['state']>(['writing', 'verifying']);

/** One card's own row: its phase, bar, bytes written and speed, and its error in words. */
function CardRow({ card }: { card: CardTrack }) {
  // While a card's first boot is set up the job counts cards, not this card's bytes: no percent.
  const pct = card.state === 'done' ? 100 : card.state === 'provisioning' ? null : percent(card.phaseBytes, card.totalBytes);
  const figures = [card.bytesWritten > 0 ? `${formatSize(card.bytesWritten)} written` : '', streaming.has(card.state) ? formatSpeed(card.speed) : ''].filter(Boolean).join(' · ');
  return (
    <li className={`target target-card target-${card.state}`} data-testid="target-progress" data-device={card.device} data-state={card.state}>
      <span className="mono">{card.device}</span>
      <span className="target-phase">{targetStateWords[card.state]}{pct === null ? '' : ` · ${pct}%`}</span>
      <span className="muted small" data-testid="target-figures">{figures}</span>
      <div className="progress-bar target-bar" role="progressbar" aria-label={`${card.device}: ${targetStateWords[card.state]}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
        <div className="progress-fill" style={{ width: `${pct ?? 0}%` }} />
      </div>
      {card.error && <span className="drive-reason">{card.error.message}</span>}
    </li>
  );
}

/** The heading's words agree with the rows: a failed card is counted, not hidden behind "Writing". */
function cardsLine(cards: CardTrack[], medium: MediumWords): string {
  const { active, done, failed } = cardCounts(cards);
  if (cards.length < 2 && !failed) return '';
  return [active ? `${active} of ${cards.length} ${medium.many} on the way` : '', done ? `${done} done` : '', failed ? `${failed} failed` : ''].filter(Boolean).join(' · ');
}

/** The line under the bar: bytes, speed and time left; or cards, for a phase that counts cards. */
function progressDetails(progress: FlashProgress): string[] {
  if (phaseCountsCards(progress.phase)) return [`${cardsDoneWords(progress.bytes, progress.totalBytes)} set up`];
  const amount = progress.totalBytes ? `${formatSize(progress.bytes)} of ${formatSize(progress.totalBytes)}` : formatSize(progress.bytes);
  if (progress.phase === 'done') return [amount];
  return [amount, formatSpeed(progress.speed), formatEta(progress.etaSeconds)].filter(Boolean);
}

export function ProgressView() {
  const progress = useJob((s) => s.progress);
  const status = useJob((s) => s.status);
  const requested = useJob((s) => s.request?.targets);
  const connection = useConnection((s) => s.state);
  const tracked = useJob(useShallow((s) => Object.values(s.cards)));
  const cards = tracked.length ? tracked : (requested ?? []).map((device): CardTrack => ({ device, state: 'pending', bytesWritten: 0, speed: 0, phaseBytes: 0, totalBytes: null, sampledAt: 0 }));
  const boardId = useJob((s) => s.request?.board);
  const medium = mediumWords(useCatalog((s) => s.boards.find((b) => b.id === boardId) ?? null));
  const line = cardsLine(cards, medium);
  const pct = progress ? percent(progress.bytes, progress.totalBytes) : null;
  const phase = progress ? phaseWords[progress.phase] : 'Starting';
  const starting = !progress || (progress.phase === 'preparing' && progress.bytes === 0);
  const details = starting ? [] : progressDetails(progress);

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
      {progress?.download && progress.phase !== 'done' && <DownloadPipes progress={progress} download={progress.download} medium={medium} />}
      {line && <p data-testid="progress-cards">{line}</p>}
      {connection !== 'open' && (
        <p className="drive-warning" role="status">
          The connection to the station dropped. The station goes on writing; this page shows the result if it reconnects before the end. Do not remove the {medium.many} meanwhile.
        </p>
      )}
      <ul className="target-list" aria-label="Drives being written">
        {cards.map((card) => <CardRow key={card.device} card={card} />)}
      </ul>
      <div>
        <button type="button" className="button" disabled={status !== 'running'} onClick={() => void jobStore.getState().cancel()} data-testid="cancel-button">
          Cancel
        </button>
      </div>
    </div>
  );
}
