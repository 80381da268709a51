/**
 * A write from an image still downloading has two pipes: the download arriving, and the cards
 * being written from it. Both show their bytes, and one plain sentence says which of them sets
 * the pace, so a person knows whether a faster card or a faster line would help.
 */
import type { DownloadPace, FlashProgress } from '../../../../shared/domain/flash';
import { formatSize, percent } from '../../format';
import type { MediumWords } from './device-words';

function paceWords(download: DownloadPace, medium: MediumWords): string {
  if (download.totalBytes !== null && download.bytes >= download.totalBytes) return `The download is complete: the rest goes at the ${medium.many}’ own pace.`;
  return download.limitedBy === 'download'
    ? `The download is the slower part: the ${medium.many} wait for its bytes.`
    : `The ${medium.many} are the slower part: the download is ahead of them.`;
}

/** The bytes that reached the cards so far: the furthest card's (the others follow it closely). */
function writtenBytes(progress: FlashProgress): number {
  return Math.max(0, ...progress.targets.map((target) => target.bytesWritten));
}

export function DownloadPipes({ progress, download, medium }: { progress: FlashProgress; download: DownloadPace; medium: MediumWords }) {
  const pct = percent(download.bytes, download.totalBytes);
  const complete = download.totalBytes !== null && download.bytes >= download.totalBytes;
  return (
    <div className="stack download-pipes" data-testid="progress-download" data-limited-by={complete ? 'none' : download.limitedBy}>
      <p data-testid="pipe-downloaded">
        <strong>Downloaded</strong> {formatSize(download.bytes)}
        {download.totalBytes === null ? '' : ` of ${formatSize(download.totalBytes)}`}
        {pct === null ? '' : ` (${pct}%)`}
      </p>
      <div className="progress-bar pipe-bar" role="progressbar" aria-label="Downloaded" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
        <div className={`progress-fill${pct === null ? ' indeterminate' : ''}`} style={{ width: pct === null ? undefined : `${pct}%` }} />
      </div>
      <p data-testid="pipe-written">
        <strong>Written</strong> {formatSize(writtenBytes(progress))} to each {medium.one}
      </p>
      <p className="muted" data-testid="pipe-limit">{paceWords(download, medium)}</p>
    </div>
  );
}
