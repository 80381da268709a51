/**
 * Step 1: the image. Sources are tabs (a local file today; the catalog, downloads and bootc builds
 * add theirs to `imageSources`); whatever the source, it ends in the image store's `path`, and the
 * summary below says what was chosen.
 */
import type { ComponentType, KeyboardEvent } from 'react';
import { downloadsStore, uiStore, useDownloads, useImage, useMedium, useUi } from '../../stores';
import { formatSize } from '../../format';
import { ErrorNotice } from '../../components/error-notice';
import { FileSource } from './file-source';
import { CacheView } from './cache-view';
import { DownloadSource } from './download-source';
import { DownloadProgress, DownloadedNote } from './download-progress';
import { activePhases } from './downloads-store';
import { BuildSource } from '../build';
import { CatalogSource } from '../catalog';
import { BoardFitNotice, ImageArchFact, useBoardMismatch } from './board-fit';
import { FolderCopyStatus } from './folder-copy';
import { sourceTabId } from './source-tab';
import type { SourceInfo } from '../../../../shared/api/source';
import type { StepBlocker } from '../../shell/step-blocker';
import type { ImageState } from './image-store';

export interface ImageSource {
  id: string;
  label: string;
  Component: ComponentType;
}

export const imageSources: ImageSource[] = [
  { id: 'catalog', label: 'Fedora IoT', Component: CatalogSource },
  { id: 'file', label: 'Image file', Component: FileSource },
  { id: 'download', label: 'Download', Component: DownloadSource },
  { id: 'cache', label: 'Cached images', Component: CacheView },
  { id: 'build', label: 'Build from a container', Component: BuildSource },
];

const formatWords: Record<SourceInfo['format'], string> = {
  raw: 'Disk image, not compressed',
  xz: 'Disk image, xz-compressed',
  gzip: 'Disk image, gzip-compressed',
  bzip2: 'Disk image, bzip2-compressed',
  zstd: 'Disk image, zstd-compressed',
  zip: 'Disk image in a zip archive',
};

const imageBlockers: Record<Exclude<ImageState['status'], 'ready'>, StepBlocker> = {
  empty: { reason: 'Choose an image first: a Fedora IoT release, or an image file you have.' },
  inspecting: { reason: 'Reading the chosen image…' },
  error: { reason: 'The chosen image cannot be used (see why above): choose another.' },
};

const boardBlocker: StepBlocker = { reason: 'The chosen image will not start on the chosen board (see why above): choose another, or write it anyway.' };

export function useImageBlocker(): StepBlocker | null {
  const status = useImage((s) => s.status);
  const mismatch = useBoardMismatch();
  const ignoreBoard = useImage((s) => s.ignoreBoard);
  if (status !== 'ready') return imageBlockers[status];
  return mismatch && !ignoreBoard ? boardBlocker : null;
}

/**
 * The step list's line: the chosen image, or what is happening to the one asked for (a download
 * on its way, or one that could not start for want of a network), never a bare "not chosen" then.
 */
export function ImageSummary() {
  const info = useImage((s) => s.info);
  const downloading = useDownloads((s) => s.current !== null && !['done', 'failed', 'cancelled'].includes(s.current.phase));
  const failedCode = useDownloads((s) => s.error?.code);
  if (info) return <>{info.name}</>;
  if (downloading) return <>Downloading…</>;
  if (failedCode === 'OFFLINE' || failedCode === 'NETWORK') return <>Not chosen: offline</>;
  if (failedCode) return <>Download failed</>;
  return <>Not chosen yet</>;
}

/**
 * A catalog image chosen before it is downloaded: the write downloads it while it writes the cards.
 * "Download only" fetches it into the image cache first, for a person who wants the file before a
 * card is touched: its progress shows here, where it was asked for; once it is there, the cached
 * file is the chosen image (and DownloadedNote says how it was checked).
 */
function NotDownloadedYet({ url, sha256 }: { url: string; sha256?: string }) {
  const current = useDownloads((s) => (s.current?.source === url ? s.current : null));
  const downloading = current !== null && activePhases.has(current.phase);
  const medium = useMedium();
  return (
    <div className="stack" data-testid="image-streamed">
      {downloading ? (
        <p className="small">Downloading it into the image cache now. Once the whole file matched its signed checksum, the kept file is the chosen image.</p>
      ) : (
        <p className="small">
          Not downloaded yet: it downloads while the {medium.many} are written, so a {medium.one} is ready about when the slower of the two is done. Each {medium.one} gets its partition
          table only once the whole download matched its signed checksum.
        </p>
      )}
      {downloading && <DownloadProgress current={current} testId="image-download-progress" />}
      <div className="row">
        {downloading ? (
          <button type="button" className="button" onClick={() => void downloadsStore.getState().cancel()} data-testid="download-only-cancel">Cancel the download</button>
        ) : (
          <button type="button" className="button" onClick={() => void downloadsStore.getState().start(url, sha256)} data-testid="download-only">Download only (keep the file first, write later)</button>
        )}
      </div>
    </div>
  );
}

function ChosenImage() {
  const { info, status, error, remote } = useImage((s) => s);
  const medium = useMedium();
  if (status === 'inspecting') return <p className="muted" role="status">Reading the file…</p>;
  if (status === 'error' && error) return <ErrorNotice error={error} testId="image-error" />;
  if (!info) return null;
  return (
    <section className="chosen" aria-label="Chosen image" data-testid="image-summary">
      <span className="file-icon" aria-hidden="true" />
      <div className="chosen-text">
        <strong className="chosen-name">{info.name}</strong>
        <span className="muted">{formatWords[info.format]}</span>
        <dl className="facts">
          <div>
            <dt>{remote ? 'Download' : 'File'}</dt>
            <dd>{remote && remote.fileSize === null ? 'size not known yet' : formatSize(info.fileSize)}</dd>
          </div>
          <div>
            <dt>Written to the {medium.one}</dt>
            <dd data-testid="image-size">{info.size !== null ? formatSize(info.size) : info.minSize > 0 ? `at least ${formatSize(info.minSize)}` : 'known once decompressed'}</dd>
          </div>
          <ImageArchFact />
        </dl>
        <span className="path" title={info.path}>{info.path}</span>
        {remote?.kept ? (
          <p className="small" data-testid="image-kept">Downloaded and kept in the image cache by the last write: the next {medium.many} are written from it, with nothing to download.</p>
        ) : remote ? (
          <NotDownloadedYet url={remote.url} {...(remote.sha256 ? { sha256: remote.sha256 } : {})} />
        ) : (
          <><DownloadedNote /><FolderCopyStatus /></>
        )}
      </div>
    </section>
  );
}

/** Arrow keys, Home and End move between the source tabs, as WAI-ARIA tabs do (Tab reaches each as well). */
function nextTabIndex(key: string, index: number, count: number): number | null {
  if (key === 'ArrowRight') return (index + 1) % count;
  if (key === 'ArrowLeft') return (index - 1 + count) % count;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}

export function ImageStep() {
  const sourceId = useUi((s) => s.imageSource);
  const setSourceId = (id: string) => uiStore.getState().showImageSource(id);
  const source = imageSources.find((s) => s.id === sourceId) ?? imageSources[0]!;
  const tabbed = imageSources.length > 1;
  const onTabKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = imageSources.findIndex((s) => s.id === source.id);
    const next = nextTabIndex(event.key, index, imageSources.length);
    if (next === null) return;
    event.preventDefault();
    setSourceId(imageSources[next]!.id);
    document.getElementById(sourceTabId(imageSources[next]!.id))?.focus();
  };
  return (
    <div className="stack">
      {tabbed && (
        <div className="tabs" role="tablist" aria-label="Where the image comes from" onKeyDown={onTabKey}>
          {imageSources.map((s) => (
            <button
              key={s.id}
              id={sourceTabId(s.id)}
              type="button"
              role="tab"
              aria-selected={s.id === source.id}
              aria-controls="image-source-panel"
              // Every tab is its own Tab stop: a person who knows only Tab and Enter reaches
              // "Image file" too (arrow keys, Home and End still move between them).
              tabIndex={0}
              className="tab"
              onClick={() => setSourceId(s.id)}
            >
              {s.label}
            </button>
          ))}
        </div>
      )}
      <div id="image-source-panel" role={tabbed ? 'tabpanel' : undefined} aria-labelledby={tabbed ? sourceTabId(source.id) : undefined}>
        <source.Component />
      </div>
      <ChosenImage />
      <BoardFitNotice />
    </div>
  );
}
