import { useShallow } from 'zustand/react/shallow';
import { cardsDoneWords, phaseCountsCards, type FlashProgress, type TargetState } from '../../../../shared/domain/flash';
import { anyCardWriting, cardStepWords, progressHeadline } from '../../../../shared/domain/flash-figures';
import { jobStore, useCatalog, useConnection, useJob } from '../../stores';
import { formatEta, formatSize, formatSpeed } from '../../format';
import { waitingCard, type CardTrack } from './card-track';
import { mediumWords, type MediumWords } from './device-words';
import { DownloadPipes } from './download-pipes';
import { ProgressFill } from './progress-fill';
import './write.css';

export const targetStateWords: Record<TargetState['state'], string> = {
  pending: 'Waiting',
  writing: 'Writing',
  verifying: 'Verifying',
  provisioning: 'Setting up first boot',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/**
 * One card's own row: its step and its one figure over the whole write (the header's figure is the
 * slowest card's, so it never reads ahead of a row), bytes written, speed, and its error in words.
 */
function CardRow({ card }: { card: CardTrack }) {
  const { step, percent: pct } = card.figure;
  const stopped = step === 'failed' || step === 'cancelled';
  const figures = [card.bytesWritten > 0 ? `${formatSize(card.bytesWritten)} written` : '', step === 'writing' ? formatSpeed(card.speed) : ''].filter(Boolean).join(' · ');
  return (
    <li className={`target target-card target-${card.state}`} data-testid="target-progress" data-device={card.device} data-state={card.state} data-step={step} data-percent={pct ?? undefined}>
      <span className="mono">{card.device}</span>
      <span className="target-phase">{cardStepWords[step]}{pct === null || stopped ? '' : ` · ${pct}%`}</span>
      <span className="muted small" data-testid="target-figures">{figures}</span>
      <div className="progress-bar target-bar" role="progressbar" aria-label={`${card.device}: ${cardStepWords[step]}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
        <div className="progress-fill" style={{ width: `${pct ?? 0}%` }} />
      </div>
      {card.error && <span className="drive-reason">{card.error.message}</span>}
    </li>
  );
}

/**
 * The line under the bar: where the job's current step is, in its own unit (bytes of the image,
 * bytes read back, cards set up), with speed and time left only for bytes.
 */
function progressDetails(progress: FlashProgress, medium: MediumWords): string {
  if (progress.phase === 'done') return '';
  if (phaseCountsCards(progress.phase)) return `First boot: ${cardsDoneWords(progress.bytes, progress.totalBytes)} set up`;
  if (!anyCardWriting(progress.targets.map((t) => t.figure))) return '';
  if (progress.phase === 'preparing' && progress.bytes === 0) return 'Checking the image and the drives…';
  const left = formatEta(progress.etaSeconds);
  // Streamed from its download: the image's own position races over free space, so the step is told
  // by how far the writer read into the download; the speed that matters is on the download's line.
  const read = progress.download?.read;
  if (progress.download && read !== undefined && (progress.phase === 'writing' || progress.phase === 'decompressing')) {
    const of = progress.download.totalBytes === null ? '' : ` of the ${formatSize(progress.download.totalBytes)} download`;
    return [`${formatSize(read)}${of} written to the ${medium.many}`, left ? `${left} in this step` : ''].filter(Boolean).join(' · ');
  }
  const of = (what: string) => (progress.totalBytes ? `${formatSize(progress.bytes)} of ${what}${formatSize(progress.totalBytes)}` : formatSize(progress.bytes));
  // The image passes by its free space without writing it: the stream's figure is the image's, a card's own bytes are on its row.
  const where = progress.phase === 'verifying' ? `${of('')} read back` : `${of('the ')} image done`;
  return [where, formatSpeed(progress.speed), left ? `${left} in this step` : ''].filter(Boolean).join(' · ');
}

export function ProgressView() {
  const progress = useJob((s) => s.progress);
  const status = useJob((s) => s.status);
  const requested = useJob((s) => s.request?.targets);
  const connection = useConnection((s) => s.state);
  const tracked = useJob(useShallow((s) => Object.values(s.cards)));
  const cards = tracked.length ? tracked : (requested ?? []).map(waitingCard);
  const boardId = useJob((s) => s.request?.board);
  const medium = mediumWords(useCatalog((s) => s.boards.find((b) => b.id === boardId) ?? null));
  const pct = progress?.percent ?? null;
  const headline = cards.length ? progressHeadline(cards.map((card) => card.figure), medium) : 'Starting';
  const details = progress ? progressDetails(progress, medium) : 'Checking the image and the drives…';

  return (
    <div className="stack" data-testid="progress" data-phase={progress?.phase ?? 'starting'} data-percent={pct ?? undefined}>
      <div className="progress-head">
        <strong className="progress-phase" aria-live="polite" data-testid="progress-headline">
          {status === 'cancelling' ? 'Cancelling…' : headline}
        </strong>
        <span className="progress-percent" data-testid="progress-percent">{pct === null ? '' : `${pct}%`}</span>
      </div>
      <div className="progress-bar" role="progressbar" aria-label={headline} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
        <ProgressFill percent={pct} />
      </div>
      {details && <p className="muted" data-testid="progress-details">{details}</p>}
      {progress?.download && progress.phase !== 'done' && <DownloadPipes written={Math.max(0, ...progress.targets.map((target) => target.bytesWritten))} download={progress.download} medium={medium} />}
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
