/** The `--json` progress lines of a `fiot-flash flash` written while its image downloads, as a script reads them. */
import { jsonLines } from './cli-json';

export interface StreamedProgress {
  type: 'progress';
  phase: string;
  bytes: number;
  /** The job's one figure, as the app's header and the CLI's bar show it. */
  percent?: number | null;
  download?: { bytes: number; totalBytes: number | null; limitedBy: 'download' | 'card' };
}

export function progressLines(stdout: string): StreamedProgress[] {
  return jsonLines(stdout).filter((line) => line.type === 'progress') as unknown as StreamedProgress[];
}

/** The lines sent while the download was still incomplete (its length known, not all of it there). */
export function whileDownloading(progress: StreamedProgress[]): StreamedProgress[] {
  return progress.filter((p) => p.download && p.download.totalBytes !== null && p.download.bytes < p.download.totalBytes);
}

/** True when image bytes went to the cards in one of `progress`'s lines. */
export function writtenIn(progress: StreamedProgress[]): boolean {
  return progress.some((p) => (p.phase === 'decompressing' || p.phase === 'writing') && p.bytes > 0);
}
