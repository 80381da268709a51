/**
 * The image cache in settings: what is kept, how much room it takes, how each image was verified;
 * use one for the next flash, remove one, or prune to the limit.
 */
import { useEffect } from 'react';
import { archAudience, archInName } from '../../../../shared/domain/board-fit';
import { trustedCopy, type CacheEntry, type CacheSummary } from '../../../../shared/domain/images';
import { ErrorNotice } from '../../components/error-notice';
import { formatSize } from '../../format';
import { cacheStore, imageStore, useCache } from '../../stores';
import { imageCountWords } from './cache-store';
import { VerificationBadge } from './verification-badge';

/** Only a copy a flash reads is "ready": one an older version made is made again by the next flash. */
function copyReady(entry: CacheEntry): string {
  const copy = trustedCopy(entry);
  return copy ? ` · decompressed copy ready (${formatSize(copy.dataBytes)} of data)` : '';
}

/** True when the cache holds more than its limit allows (pruning would remove something). */
function overLimit(summary: CacheSummary): boolean {
  return summary.limitBytes !== null && summary.totalBytes > summary.limitBytes;
}

export function CacheView() {
  const summary = useCache((s) => s.summary);
  const busy = useCache((s) => s.busy);
  const error = useCache((s) => s.error);
  useEffect(() => void cacheStore.getState().load(), []);
  const cache = cacheStore.getState();

  return (
    <section className="stack" aria-label="Image cache" data-testid="cache-view">
      {summary && (
        <p className="muted">
          {imageCountWords(summary.entries.length)}, {formatSize(summary.totalBytes)} on disk{summary.limitBytes ? ` of ${formatSize(summary.limitBytes)} allowed` : ''} · <span className="mono">{summary.dir}</span>
        </p>
      )}
      {summary?.entries.length === 0 && <p className="empty">No images are kept here yet. The image cache is where downloaded images are kept, so the next card is written without downloading again.</p>}
      <ul className="plain-list">
        {summary?.entries.map((entry) => (
          <li key={entry.sha256} className="drive cache-entry" data-testid="cache-entry">
            <div className="drive-main">
              <strong className="cache-entry-name">{entry.name}</strong>
              {archInName(entry.name) && <span className="small" data-testid="cache-entry-arch">For {archAudience[archInName(entry.name)!]}</span>}
              <span className="muted small">
                {formatSize(entry.diskBytes)} on disk{copyReady(entry)} · last used {entry.lastUsedAt.slice(0, 10)}
              </span>
              {/* A local file's copy was checked against nothing but the file's own bytes: no warning, no claim. */}
              {entry.file === null ? <span className="badge" data-testid="badge-local-file">from a local file</span> : <VerificationBadge verification={entry.verification} />}
            </div>
            <div className="row">
              <button type="button" className="button" disabled={busy} onClick={() => void imageStore.getState().choose(`${summary.dir}/${entry.raw?.file ?? entry.file}`)}>Use</button>
              <button type="button" className="button" disabled={busy} onClick={() => void cache.remove(entry.sha256)} data-testid="cache-remove">Remove</button>
            </div>
          </li>
        ))}
      </ul>
      {/* Nothing to free with nothing kept: the buttons wait for the first image. */}
      {summary && summary.entries.length > 0 && (
        <div className="row">
          <button type="button" className="button" disabled={busy || !overLimit(summary)} onClick={() => void cache.prune()} aria-describedby="cache-prune-why" data-testid="cache-prune">Free space down to the limit</button>
          <button type="button" className="button" disabled={busy} onClick={() => void cache.prune(true)}>Remove all</button>
          {!overLimit(summary) && <span id="cache-prune-why" className="muted small">Within its limit: nothing to free.</span>}
        </div>
      )}
      {error && <ErrorNotice error={error} testId="cache-error" />}
    </section>
  );
}
