/**
 * How flash progress reaches a person or a script: on a terminal one line redrawn in place
 * (phase, bar, percent, speed, ETA); in a log or pipe a plain line per phase and per tenth;
 * with --json every update as {"type":"progress",...}.
 */
import { cardsDoneWords, downloadPaceWords, phaseCountsCards, type FlashProgress } from '../../shared/domain/flash';
import { formatSize } from '../../shared/format-size';
import type { CliIO } from './io';

const phaseNames: Record<FlashProgress['phase'], string> = {
  preparing: 'Preparing',
  decompressing: 'Decompressing',
  writing: 'Writing',
  verifying: 'Verifying',
  provisioning: 'Provisioning',
  done: 'Done',
};

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export function percentOf(progress: FlashProgress): number | null {
  if (!progress.totalBytes) return null;
  return Math.min(100, Math.floor((progress.bytes / progress.totalBytes) * 100));
}

/** A flash written while its image downloads: the download's pipe and which one sets the pace, after the write's. */
export function progressLine(progress: FlashProgress, width = 30): string {
  const line = writeLine(progress, width);
  return progress.download && progress.phase !== 'done' ? `${line}  (${downloadPaceWords(progress.download)})` : line;
}

function writeLine(progress: FlashProgress, width: number): string {
  const percent = percentOf(progress);
  const filled = percent === null ? 0 : Math.round((percent / 100) * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const amount = percent === null ? formatSize(progress.bytes) : `${String(percent).padStart(3)}%`;
  const head = `${phaseNames[progress.phase].padEnd(13)} ${bar}`;
  // Cards are counted, not measured: no speed or time left for them, nor once everything is done.
  if (phaseCountsCards(progress.phase)) return `${head} ${cardsDoneWords(progress.bytes, progress.totalBytes)}`;
  if (progress.phase === 'done') return `${head} ${amount}`;
  return `${head} ${amount}  ${formatSize(progress.speed)}/s  ETA ${formatEta(progress.etaSeconds)}`;
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
  let lastPhase: string | null = null;
  let lastTenth = -1;
  return {
    update(p) {
      const percent = percentOf(p);
      const tenth = percent === null ? -1 : Math.floor(percent / 10);
      if (p.phase === lastPhase && tenth <= lastTenth) return;
      if (p.phase !== lastPhase) lastTenth = -1;
      lastPhase = p.phase;
      lastTenth = tenth;
      io.say(progressLine(p));
    },
    finish() {},
  };
}
