/**
 * A flash's progress as one figure per card and one for the job, over the whole write: writing,
 * reading back (verifying), setting up first boot, each weighted by the time it takes. Computed
 * once, in the core, from what the writer reports; the app's header and tiles, the station, the
 * CLI's line and its --json events all read these figures, so they never disagree.
 */
import type { CardFigure, CardStep, FlashPhase, TargetState } from './flash';

/**
 * What each step weighs in a card's figure, by the time it takes (measured 2026-12-06 on the
 * faithful image at an A1 card's speed: 41.5 s writing 1.66 GB at 40 MB/s, 18.4 s reading it back
 * at 90 MB/s, a few seconds for the first-boot files). A step a job skips weighs nothing.
 */
export const STEP_WEIGHTS = { writing: 0.66, verifying: 0.29, firstBoot: 0.05 } as const;

/** What the figures are computed from: the job's phase and position, and what each card reported. */
export interface FiguresInput {
  phase: FlashPhase;
  /** The job's position in its phase, as the writer reports it. */
  bytes: number;
  totalBytes: number | null;
  /** Whether the job reads every card back. */
  verify: boolean;
  targets: Array<Pick<TargetState, 'state' | 'readBack' | 'firstBoot'>>;
  /**
   * The download a streamed write reads, when one runs: how far the writer has read into it is the
   * stream's share (the image's own position races over free space the writer skips, so it runs
   * ahead of the download); without that, the download's share stands in for an image size not known yet.
   */
  download?: { bytes: number; totalBytes: number | null; read?: number };
}

const STREAM_PHASES: ReadonlySet<FlashPhase> = new Set(['decompressing', 'writing']);
const AFTER_READ_BACK: ReadonlySet<FlashPhase> = new Set(['provisioning', 'done']);

function share(done: number, total: number | null): number | null {
  if (total === null) return null;
  return total === 0 ? 1 : Math.max(0, Math.min(1, done / total));
}

/**
 * How far the stream has reached every card. While it comes from a download, as far as the writer
 * has read into the download (the download sets that pace, or the cards do). An image whose size
 * only its end tells (a single-block .xz written while it downloads) is as far as its download, which
 * the decoder cannot be ahead of. A share from the download stops short of 1 until the writer says
 * the stream ended, so the step stays "writing".
 */
function streamShare(input: FiguresInput): number | null {
  const read = input.download?.read === undefined ? null : share(input.download.read, input.download.totalBytes);
  if (read !== null) return Math.min(0.99, read);
  const known = share(input.bytes, input.totalBytes);
  if (known !== null || !input.download) return known;
  const downloaded = share(input.download.bytes, input.download.totalBytes);
  return downloaded === null ? null : Math.min(0.99, downloaded);
}

/** One card's figure. A card reaches 100 % only once it is done; a stopped card has none of its own (keepForward keeps the one it reached). */
export function cardFigure(input: FiguresInput, target: FiguresInput['targets'][number]): CardFigure {
  if (target.state === 'done') return { step: 'done', percent: 100 };
  if (target.state === 'failed' || target.state === 'cancelled') return { step: target.state, percent: null };
  if (target.state === 'pending' || input.phase === 'preparing') return { step: 'starting', percent: 0 };
  const streaming = STREAM_PHASES.has(input.phase);
  // While the image streams every card takes part at the stream's position; after it, the stream is behind every card.
  const written = streaming ? streamShare(input) : 1;
  const readBack = target.readBack ? share(target.readBack.bytes, target.readBack.totalBytes) : AFTER_READ_BACK.has(input.phase) ? 1 : 0;
  const parts: Array<[CardStep, number, number | null]> = [['writing', STEP_WEIGHTS.writing, written]];
  if (input.verify) parts.push(['verifying', STEP_WEIGHTS.verifying, readBack]);
  if (target.firstBoot) parts.push(['first-boot', STEP_WEIGHTS.firstBoot, target.firstBoot === 'done' ? 1 : 0]);
  const step = parts.find(([, , done]) => done === null || done < 1)?.[0] ?? 'finishing';
  if (parts.some(([, , done]) => done === null)) return { step, percent: null };
  const total = parts.reduce((sum, [, weight]) => sum + weight, 0);
  const done = parts.reduce((sum, [, weight, part]) => sum + weight * (part ?? 0), 0);
  // The partition table goes on last: until it is read back the card is not done.
  return { step, percent: Math.min(99, Math.floor((done / total) * 100)) };
}

/** The job's figure: its slowest card still being written (null once none is), so the header is never ahead of a tile. */
export function jobPercent(cards: CardFigure[]): number | null {
  const running = cards.filter((card) => card.step !== 'failed' && card.step !== 'cancelled');
  if (running.length === 0) return null;
  const known = running.map((card) => card.percent);
  return known.includes(null) ? null : Math.min(...(known as number[]));
}

/**
 * A card's figure never goes back: a report that would lower it (a late line, a step whose
 * position is not yet known) keeps the figure it had. A stopped card keeps the one it reached.
 */
export function keepForward(previous: CardFigure | undefined, next: CardFigure): CardFigure {
  if (!previous || previous.percent === null) return next;
  if (next.percent === null || next.percent < previous.percent) return { step: next.step, percent: previous.percent };
  return next;
}

/** Whether a card is still being written: once none is, a step's speed and time left mean nothing. */
export function anyCardWriting(cards: readonly CardFigure[]): boolean {
  return cards.some((card) => card.step !== 'done' && card.step !== 'failed' && card.step !== 'cancelled');
}

/**
 * Every card's figure and the job's, for one progress report; `previous`: the figures of the
 * report before, in the same card order, so no figure goes back.
 */
export function progressFigures(input: FiguresInput, previous: readonly CardFigure[] = []): { percent: number | null; cards: CardFigure[] } {
  const cards = input.targets.map((target, i) => keepForward(previous[i], cardFigure(input, target)));
  return { percent: jobPercent(cards), cards };
}

/** The slowest card still being written, for the header's words: its index, or -1. */
export function slowestCard(cards: CardFigure[]): number {
  let slowest = -1;
  cards.forEach((card, i) => {
    if (card.step === 'done' || card.step === 'failed' || card.step === 'cancelled') return;
    if (slowest < 0 || (card.percent ?? 0) < (cards[slowest]!.percent ?? 0)) slowest = i;
  });
  return slowest;
}

/** A card's step in the words a tile and the CLI show. */
export const cardStepWords: Record<CardStep, string> = {
  starting: 'Starting',
  writing: 'Writing',
  verifying: 'Verifying',
  'first-boot': 'Setting up first boot',
  finishing: 'Finishing',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** What a card is called: "card", "USB stick". */
export interface MediumNoun {
  one: string;
  many: string;
}

/**
 * The header's words, from the cards' figures so they agree with every tile: one card's step; for
 * several, how many are done and what the slowest is doing ("1 of 3 cards done · the slowest is
 * verifying"), and how many failed.
 */
export function progressHeadline(cards: CardFigure[], medium: MediumNoun = { one: 'card', many: 'cards' }): string {
  if (cards.length === 1) return cardStepWords[cards[0]!.step];
  const done = cards.filter((card) => card.step === 'done').length;
  const stopped = cards.filter((card) => card.step === 'failed' || card.step === 'cancelled').length;
  const slowest = slowestCard(cards);
  return [
    `${done} of ${cards.length} ${medium.many} done`,
    slowest < 0 ? '' : `the slowest is ${cardStepWords[cards[slowest]!.step].toLowerCase()}`,
    stopped ? `${stopped} ${cards.some((card) => card.step === 'failed') ? 'failed' : 'cancelled'}` : '',
  ].filter(Boolean).join(' · ');
}
