/**
 * How flash progress reaches a person or a script: on a terminal one line redrawn in place, fitted
 * to its width (what the cards are doing, bar, the job's one figure, speed and time left in this
 * step; while the image streams from its download, the download's facts first); in a
 * log or pipe a plain line per step and per tenth; with --json every update as
 * {"type":"progress",...}, carrying the same figures (the job's `percent`, each target's `figure`).
 */
import { cardsDoneWords, downloadPaceParts, phaseCountsCards, type FlashProgress } from '../../shared/domain/flash';
import { anyCardWriting, cardStepWords, progressHeadline, slowestCard } from '../../shared/domain/flash-figures';
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
function headlineOf(progress: FlashProgress, short = false): string {
  if (progress.phase === 'done' && progress.targets.length === 0) return 'Done';
  if (!progress.targets.length) return 'Preparing';
  const figures = progress.targets.map((t) => t.figure);
  // On a narrow terminal several cards say their count and the slowest's step without the words around them.
  if (short && figures.length > 1) {
    const slowest = slowestCard(figures);
    const done = figures.filter((card) => card.step === 'done').length;
    return `${done}/${figures.length} done${slowest < 0 ? '' : `, ${cardStepWords[figures[slowest]!.step].toLowerCase()}`}`;
  }
  return progressHeadline(figures);
}

/** Whether the image still streams from a download: then the download's facts set the pace and come first. */
function streaming(progress: FlashProgress): boolean {
  return !!progress.download && (progress.phase === 'decompressing' || progress.phase === 'writing');
}

/** One fact after the bar, and a shorter way to say it for a narrow terminal. */
interface Part {
  long: string;
  short: string;
}

const part = (long: string, short = long): Part => ({ long, short });

/**
 * What follows the bar, most telling first, each part whole (a narrow line drops the last ones).
 * While the image streams from its download: how much arrived, the time left, the download's own
 * speed and which pipe sets the pace; the image's own speed then says little (it races over free space).
 */
function tailParts(progress: FlashProgress): Part[] {
  if (progress.phase === 'done') return [];
  const steps = stepParts(progress);
  if (!progress.download) return steps;
  const download = downloadPaceParts(progress.download).map((words) => part(words));
  if (!streaming(progress)) return [...steps, ...download];
  const eta = progress.etaSeconds !== null && anyCardWriting(progress.targets.map((t) => t.figure)) ? formatEta(progress.etaSeconds) : null;
  return [download[0]!, ...(eta ? [part(`${eta} left in this step`, `${eta} left`)] : []), ...download.slice(1)];
}

/** Where the job's current step is, in its own unit: bytes with a speed and the step's time left, or cards. */
function stepParts(progress: FlashProgress): Part[] {
  if (progress.phase === 'done' || progress.phase === 'preparing') return [];
  if (phaseCountsCards(progress.phase)) return [part(`first boot: ${cardsDoneWords(progress.bytes, progress.totalBytes)} set up`)];
  if (!anyCardWriting(progress.targets.map((t) => t.figure))) return [];
  // Nothing measured yet is said as nothing, not as "0 B/s".
  const eta = progress.speed > 0 && progress.etaSeconds !== null ? formatEta(progress.etaSeconds) : null;
  return [
    ...(progress.totalBytes === null ? [part(formatSize(progress.bytes))] : []),
    ...(progress.speed > 0 ? [part(`${formatSize(progress.speed)}/s`)] : []),
    ...(eta ? [part(`${eta} left in this step`, `${eta} left`)] : []),
  ];
}

/** The headline (padded, so the bar stays put while it changes), the bar and the job's one figure. */
function headOf(headline: string, percent: number | null, barWidth: number, pad = 21): string {
  const filled = percent === null ? 0 : Math.round((percent / 100) * barWidth);
  const bar = barWidth > 0 ? ` [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]` : '';
  return `${headline.padEnd(pad)}${bar} ${percent === null ? '    ' : `${String(percent).padStart(3)}%`}`;
}

const MIN_BAR = 10;

/**
 * The progress line: what the cards are doing, the bar and the job's one figure, then the step's
 * facts. Given `columns`, the line fits them: the bar narrows first (down to MIN_BAR), then the
 * headline of several cards and the facts are said shorter, then the least telling facts are left
 * out, whole; a word is never cut.
 */
export function progressLine(progress: FlashProgress, barWidth = 30, columns?: number): string {
  const parts = tailParts(progress);
  const lineOf = (head: string, kept: number, short: boolean) => [head, ...parts.slice(0, kept).map((p) => (short ? p.short : p.long))].join('  ');
  if (columns === undefined) return lineOf(headOf(headlineOf(progress), progress.percent, barWidth), parts.length, false);
  const room = columns - 1;
  const ways = [
    { headline: headlineOf(progress), pad: 21, short: false },
    { headline: headlineOf(progress, true), pad: 0, short: false },
    { headline: headlineOf(progress, true), pad: 0, short: true },
  ];
  for (let kept = parts.length; kept >= 0; kept--) {
    for (const way of ways) {
      // The bar takes " [" and "]" besides its width.
      const width = Math.min(barWidth, room - lineOf(headOf(way.headline, progress.percent, 0, way.pad), kept, way.short).length - 3);
      if (width >= MIN_BAR) return lineOf(headOf(way.headline, progress.percent, width, way.pad), kept, way.short);
    }
  }
  // A terminal too narrow even for the bar: the headline and figure alone, cut at a word if need be.
  const bare = headOf(ways[2]!.headline, progress.percent, 0, 0).replace(/ +/g, ' ');
  return bare.length <= room ? bare : bare.slice(0, Math.max(0, bare.lastIndexOf(' ', room)));
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
        io.stdout.write(`\r${progressLine(p, 30, columns)}\x1b[K`);
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
