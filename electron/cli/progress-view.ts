/**
 * How flash progress reaches a person or a script: on a terminal one line redrawn in place
 * (what the cards are doing, bar, the job's one figure, speed and time left in this step); in a
 * log or pipe a plain line per step and per tenth; with --json every update as
 * {"type":"progress",...}, carrying the same figures (the job's `percent`, each target's `figure`).
 */
import { cardsDoneWords, downloadPaceWords, phaseCountsCards, type FlashProgress } from '../../shared/domain/flash';
import { anyCardWriting, progressHeadline } from '../../shared/domain/flash-figures';
import { formatSize } from '../../shared/format-size';
import type { CliIO } from './io';

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** What the cards are doing, as the app's header says it: one card's step, or how many are done and the slowest's step. */
function headlineOf(progress: FlashProgress): string {
  if (progress.phase === 'done' && progress.targets.length === 0) return 'Done';
  return progress.targets.length ? progressHeadline(progress.targets.map((t) => t.figure)) : 'Preparing';
}

/** A flash written while its image downloads: the download's pipe and which one sets the pace, after the write's. */
export function progressLine(progress: FlashProgress, width = 30): string {
  const line = writeLine(progress, width);
  return progress.download && progress.phase !== 'done' ? `${line}  (${downloadPaceWords(progress.download)})` : line;
}

/** Where the job's current step is, in its own unit: bytes with a speed and the step's time left, or cards. */
function stepFigures(progress: FlashProgress): string {
  if (progress.phase === 'done' || progress.phase === 'preparing') return '';
  if (phaseCountsCards(progress.phase)) return `first boot: ${cardsDoneWords(progress.bytes, progress.totalBytes)} set up`;
  if (!anyCardWriting(progress.targets.map((t) => t.figure))) return '';
  // Nothing measured yet is said as nothing, not as "0 B/s".
  return [
    progress.totalBytes === null ? formatSize(progress.bytes) : '',
    progress.speed > 0 ? `${formatSize(progress.speed)}/s` : '',
    progress.speed > 0 && progress.etaSeconds !== null ? `${formatEta(progress.etaSeconds)} left in this step` : '',
  ].filter(Boolean).join('  ');
}

function writeLine(progress: FlashProgress, width: number): string {
  const percent = progress.percent;
  const filled = percent === null ? 0 : Math.round((percent / 100) * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const head = `${headlineOf(progress).padEnd(21)} ${bar} ${percent === null ? '    ' : `${String(percent).padStart(3)}%`}`;
  const figures = stepFigures(progress);
  return figures ? `${head}  ${figures}` : head;
}

export interface ProgressView {
  update(progress: FlashProgress): void;
  /** Ends the redrawn line so the result starts on its own line. */
  finish(): void;
}

export function createProgressView(io: CliIO): ProgressView {
  if (io.json) {
    return { update: (p) => io.emit({ type: 'progress', ...p }), finish: () => {} };
  }
  if (io.isTTY) {
    let drawn = false;
    let lastDraw = 0;
    return {
      update(p) {
        // Redrawing more than ~10 times a second only costs the writer CPU.
        const now = Date.now();
        if (drawn && now - lastDraw < 100 && p.phase !== 'done') return;
        lastDraw = now;
        // A pty without a size reports 0 columns.
        const columns = io.stdout.columns || 80;
        io.stdout.write(`\r${progressLine(p, columns >= 90 ? 30 : 20).slice(0, columns - 1)}\x1b[K`);
        drawn = true;
      },
      finish() {
        if (drawn) io.stdout.write('\n');
        drawn = false;
      },
    };
  }
  let lastHeadline: string | null = null;
  let lastTenth = -1;
  return {
    update(p) {
      // The figure never goes back, so a line is due when the cards' step changes or it passes a tenth.
      const tenth = p.percent === null ? -1 : Math.floor(p.percent / 10);
      const headline = headlineOf(p);
      if (headline === lastHeadline && tenth <= lastTenth) return;
      lastHeadline = headline;
      lastTenth = Math.max(tenth, lastTenth);
      io.say(progressLine(p));
    },
    finish() {},
  };
}
