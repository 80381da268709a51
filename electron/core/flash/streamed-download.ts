/**
 * The core's half of a flash written while its image downloads: it runs the download (resume,
 * retries, mirrors, the sha256 check, the cache) next to the writer and tells the writer, line by
 * line on its stdin, how far the `.part` file has grown, then either that the whole file matched
 * its checksum (only then may the partition tables go on) or why it never will. The network stays
 * here; the writer, which may run as root, only reads a file.
 */
import { downloadLeftWords, type DownloadLeft } from '../../../shared/domain/download-left';
import type { SourceTrust } from '../../../shared/domain/images';
import { toErrorInfo } from '../../../shared/errors';
import type { PendingDownload } from '../image-source';
import { DownloadCancelled } from '../images/download/download';
import type { WriterHandle } from './writer-client';

export interface DownloadedFile {
  sha256: string;
  trust: SourceTrust;
}

export interface StreamedDownload {
  /** The verified download, or null when it failed (the writer was told why, and fails with it). */
  settled: Promise<DownloadedFile | null>;
  /** Once settled: what a cancelled download left for the next write (kept, or removed); null otherwise. */
  left: Promise<DownloadLeft | null>;
  /** Stops the download (the writer's job ended first): what arrived stays for a resume. */
  stop(): void;
}

export function streamDownload(download: PendingDownload, writer: Pick<WriterHandle, 'send'>, signal: AbortSignal): StreamedDownload {
  const own = new AbortController();
  let left: DownloadLeft | null = null;
  const settled = download
    .run(AbortSignal.any([signal, own.signal]), (bytes, totalBytes) => writer.send({ type: 'download', bytes, totalBytes }))
    .then(
      ({ file, bytes, sha256, trust }) => {
        writer.send({ type: 'download-verified', bytes, file });
        return { sha256, trust };
      },
      (error: unknown) => {
        if (error instanceof DownloadCancelled) {
          left = error.left;
          // Shown on the card until the result comes: in a write's words, not a lone download's.
          writer.send({ type: 'download-failed', code: 'CANCELLED', message: `The write was cancelled. ${downloadLeftWords(left, 'write')}` });
        } else {
          writer.send({ type: 'download-failed', ...toErrorInfo(error) });
        }
        return null;
      },
    );
  return { settled, left: settled.then(() => left), stop: () => own.abort() };
}
