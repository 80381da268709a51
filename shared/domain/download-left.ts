/**
 * What a stopped download left on disk for the next run, and the words that say so. A part is kept
 * only when its server gave what resuming needs (a validator, ETag or Last-Modified, to ask
 * "the same file?" with, and Range requests): a part nothing can continue is removed, and nobody
 * is promised a resume that would download from byte 0 anyway. The CLI, the app and History say
 * the same sentence, so it lives here.
 */
import { z } from 'zod';
import { formatSize } from '../format-size';

export const downloadLeftSchema = z.object({
  /** Bytes that had arrived when it stopped. */
  bytes: z.number().int().nonnegative(),
  /** The file's whole length, when the server announced it. */
  totalBytes: z.number().int().nonnegative().nullable(),
  /** True: those bytes are kept and the next run asks only for the rest. False: they were removed. */
  kept: z.boolean(),
});
export type DownloadLeft = z.infer<typeof downloadLeftSchema>;

/** What starts the download next time: a write of the card, or the download on its own. */
export type NextRun = 'write' | 'download';

function arrived(left: DownloadLeft): string {
  return left.totalBytes ? `${formatSize(left.bytes)} of ${formatSize(left.totalBytes)}` : formatSize(left.bytes);
}

const again: Record<NextRun, { resumes: string; restarts: string }> = {
  write: { resumes: 'the next write continues the download from there', restarts: 'the next write downloads the image from its start' },
  download: { resumes: 'starting the download again continues from there', restarts: 'starting it again downloads the image from its start' },
};

/** One sentence after "The download was cancelled." / "The write was cancelled.": true for this server. */
export function downloadLeftWords(left: DownloadLeft, next: NextRun): string {
  if (left.bytes === 0) return `Nothing of the download had arrived: ${again[next].restarts}.`;
  if (left.kept) return `The ${arrived(left)} downloaded so far are kept: ${again[next].resumes}.`;
  return `The ${arrived(left)} downloaded so far were not kept, because the server does not let a download continue where it stopped (it sends no ETag or Last-Modified, or no parts of files): ${again[next].restarts}.`;
}
