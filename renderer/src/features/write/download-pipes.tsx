/**
 * A write from an image still downloading has two pipes: the download arriving, and the cards
 * being written from it. Both show their bytes, and one plain sentence says which of them sets
 * the pace, so a person knows whether a faster card or a faster line would help.
 */
import { downloadComplete, paceVerdict, type DownloadPace } from '../../../../shared/domain/flash';
import { formatSize, formatSpeed, percent } from '../../format';
import type { MediumWords } from './device-words';
import { ProgressFill } from './progress-fill';

function paceWords(download: DownloadPace, medium: MediumWords): string {
  if (downloadComplete(download)) return `The download is complete: the rest goes at the ${medium.many}’ own pace.`;
  const verdict = paceVerdict(download);
  if (verdict === null) return `Which is the slower part, the download or the ${medium.many}, shows after the first seconds.`;
  return verdict === 'download'
    ? `The download is the slower part: the ${medium.many} wait for its bytes.`
    : `The ${medium.many} are the slower part: the download is ahead of them.`;
}

/**
 * `written`: the bytes that reached the cards so far (in a job of several, the furthest card's: the
 * others follow it closely); `each`: whether they went to several cards at once, or to this one
 * (a card bench's tile).
 */
export function DownloadPipes({ written, download, medium, each = true }: { written: number; download: DownloadPace; medium: MediumWords; each?: boolean }) {
  const pct = percent(download.bytes, download.totalBytes);
  const complete = downloadComplete(download);
  const verdict = paceVerdict(download);
  return (
    <div className="stack download-pipes" data-testid="progress-download" data-limited-by={complete ? 'none' : verdict ?? 'unknown'}>
      <p data-testid="pipe-downloaded">
        <strong>Downloaded</strong> {formatSize(download.bytes)}
        {download.totalBytes === null ? '' : ` of ${formatSize(download.totalBytes)}`}
        {pct === null ? '' : ` (${pct}%)`}
        {!complete && download.speed ? <span data-testid="pipe-download-speed"> · {formatSpeed(download.speed)}</span> : null}
      </p>
      <div className="progress-bar pipe-bar" role="progressbar" aria-label="Downloaded" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
        <ProgressFill percent={pct} />
      </div>
      <p data-testid="pipe-written">
        <strong>Written</strong> {formatSize(written)} to {each ? 'each' : 'this'} {medium.one}
      </p>
      <p className="muted" data-testid="pipe-limit">{paceWords(download, medium)}</p>
    </div>
  );
}
