/**
 * A flash's one figure per card and per job (shared/domain/flash-figures.ts), fed the reports a
 * writer sends in the order it sends them: the figure crosses each step's boundary without going
 * back or starting over, reaches 100 only once a card is done, and the job's figure is its slowest
 * card still being written (a failed or cancelled card leaves it).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cardFigure, keepForward, progressFigures, progressHeadline, type FiguresInput } from '../../../shared/domain/flash-figures';
import type { CardFigure, FlashPhase, TargetState } from '../../../shared/domain/flash';

type Target = FiguresInput['targets'][number];

function input(phase: FlashPhase, bytes: number, totalBytes: number | null, targets: Target[], verify = true): FiguresInput {
  return { phase, bytes, totalBytes, verify, targets };
}

const card = (state: TargetState['state'], extra: Partial<Target> = {}): Target => ({ state, ...extra });

/** One card's reports as the writer sends them: preparing, the stream, read-back, first boot, the partition table last, done. */
function oneCardReports(options: { verify: boolean; firstBoot: boolean }): FiguresInput[] {
  const fb = options.firstBoot ? { firstBoot: 'waiting' as const } : {};
  const reports: FiguresInput[] = [input('preparing', 0, null, [card('pending', fb)], options.verify)];
  for (let bytes = 0; bytes <= 1000; bytes += 100) reports.push(input('decompressing', bytes, 1000, [card('writing', fb)], options.verify));
  if (options.verify) {
    for (let bytes = 0; bytes <= 400; bytes += 50) reports.push(input('verifying', bytes, 400, [card('verifying', { ...fb, readBack: { bytes, totalBytes: 400 } })]));
  }
  const read = options.verify ? { readBack: { bytes: 400, totalBytes: 400 } } : {};
  const after: FlashPhase = options.verify ? 'verifying' : 'decompressing';
  const position = options.verify ? [400, 400] as const : [1000, 1000] as const;
  if (options.firstBoot) {
    reports.push(input('provisioning', 0, 1, [card('provisioning', { ...read, firstBoot: 'waiting' })], options.verify));
    reports.push(input('provisioning', 1, 1, [card('provisioning', { ...read, firstBoot: 'done' })], options.verify));
  }
  // The partition table goes on last: the card's state says writing, then verifying, in the step before.
  const last: FlashPhase = options.firstBoot ? 'provisioning' : after;
  const [bytes, total] = options.firstBoot ? [1, 1] : position;
  const done = options.firstBoot ? { firstBoot: 'done' as const } : {};
  reports.push(input(last, bytes, total, [card('writing', { ...read, ...done })], options.verify));
  reports.push(input(last, bytes, total, [card('verifying', { ...read, ...done })], options.verify));
  reports.push(input('done', 1000, 1000, [card('done', { ...read, ...done })], options.verify));
  return reports;
}

function walk(reports: FiguresInput[]): { job: Array<number | null>; cards: CardFigure[][] } {
  let previous: CardFigure[] = [];
  const job: Array<number | null> = [];
  const cards: CardFigure[][] = [];
  for (const report of reports) {
    const figures = progressFigures(report, previous);
    previous = figures.cards;
    job.push(figures.percent);
    cards.push(figures.cards);
  }
  return { job, cards };
}

function assertNeverBack(series: Array<number | null>, what: string): void {
  let last = -1;
  for (const value of series) {
    assert.ok(value !== null, `${what}: a figure is known throughout`);
    assert.ok(value >= last, `${what}: went back from ${last} to ${value} in ${series.join(',')}`);
    last = value;
  }
}

describe('one card', () => {
  for (const options of [{ verify: true, firstBoot: true }, { verify: true, firstBoot: false }, { verify: false, firstBoot: true }, { verify: false, firstBoot: false }]) {
    it(`goes from 0 to 100 once, never back, 100 only when done (verify ${options.verify}, first boot ${options.firstBoot})`, () => {
      const { job, cards } = walk(oneCardReports(options));
      assertNeverBack(job, 'job');
      assert.equal(job[0], 0);
      assert.equal(job.at(-1), 100);
      assert.equal(job.filter((p) => p === 100).length, 1, 'only the done report says 100');
      assert.deepEqual(cards.map((c) => c[0]!.percent), job, 'one card: the job is the card');
    });
  }

  it('crosses the step boundaries at the steps\' weights, without starting over', () => {
    const fb = { firstBoot: 'waiting' as const };
    assert.deepEqual(cardFigure(input('decompressing', 500, 1000, []), card('writing', fb)), { step: 'writing', percent: 33 });
    assert.deepEqual(cardFigure(input('decompressing', 1000, 1000, []), card('writing', fb)), { step: 'verifying', percent: 66 }, 'the stream ended: reading back is next');
    assert.deepEqual(cardFigure(input('verifying', 0, 800, []), card('verifying', { ...fb, readBack: { bytes: 0, totalBytes: 400 } })), { step: 'verifying', percent: 66 });
    assert.deepEqual(cardFigure(input('verifying', 400, 800, []), card('verifying', { ...fb, readBack: { bytes: 200, totalBytes: 400 } })), { step: 'verifying', percent: 80 });
    assert.deepEqual(cardFigure(input('provisioning', 0, 2, []), card('verifying', { ...fb, readBack: { bytes: 400, totalBytes: 400 } })), { step: 'first-boot', percent: 95 }, 'waiting its turn for first boot is first boot, not verifying');
    assert.deepEqual(cardFigure(input('provisioning', 1, 2, []), card('provisioning', { firstBoot: 'done', readBack: { bytes: 400, totalBytes: 400 } })), { step: 'finishing', percent: 99 });
    assert.deepEqual(cardFigure(input('done', 1, 1, []), card('done')), { step: 'done', percent: 100 });
  });

  it('a step the job skips weighs nothing: without read-back the write alone fills the bar to 99', () => {
    assert.deepEqual(cardFigure(input('writing', 1000, 1000, [], false), card('writing')), { step: 'finishing', percent: 99 });
    assert.deepEqual(cardFigure(input('writing', 500, 1000, [], false), card('writing')), { step: 'writing', percent: 50 });
  });

  it('an image whose size is unknown while it downloads moves with the download, and stays "writing" until its stream ends', () => {
    const streamed = (bytes: number, downloaded: number): FiguresInput => ({ ...input('decompressing', bytes, null, []), download: { bytes: downloaded, totalBytes: 1000 } });
    assert.deepEqual(cardFigure(streamed(3000, 500), card('writing')), { step: 'writing', percent: 34 });
    assert.deepEqual(cardFigure(streamed(6000, 1000), card('writing')), { step: 'writing', percent: 68 }, 'downloaded whole, still decoding: short of the read-back');
    assert.deepEqual(cardFigure({ ...streamed(6000, 1000), totalBytes: 6000 }, card('writing')), { step: 'verifying', percent: 69 }, 'the stream ended: its size is known');
  });

  it('has no figure while the image\'s size is unknown, and keeps the one it had', () => {
    assert.deepEqual(cardFigure(input('decompressing', 500, null, []), card('writing')), { step: 'writing', percent: null });
    assert.deepEqual(keepForward({ step: 'writing', percent: 20 }, { step: 'writing', percent: null }), { step: 'writing', percent: 20 });
    assert.deepEqual(keepForward({ step: 'writing', percent: 20 }, { step: 'writing', percent: 12 }), { step: 'writing', percent: 20 }, 'a late report does not pull it back');
  });
});

describe('several cards', () => {
  it('the job is its slowest card; the header says how many are done and what the slowest does', () => {
    const report = input('verifying', 600, 1200, [
      card('verifying', { readBack: { bytes: 400, totalBytes: 400 } }),
      card('verifying', { readBack: { bytes: 100, totalBytes: 400 } }),
      card('verifying', { readBack: { bytes: 100, totalBytes: 400 } }),
    ]);
    const figures = progressFigures(report);
    assert.deepEqual(figures.cards.map((c) => c.percent), [99, 77, 77]);
    assert.equal(figures.percent, 77);
    assert.equal(progressHeadline(figures.cards), '0 of 3 cards done · the slowest is verifying');
    const later = progressFigures({ ...report, phase: 'done', targets: [card('done'), card('done'), card('verifying', { readBack: { bytes: 300, totalBytes: 400 } })] }, figures.cards);
    assert.equal(progressHeadline(later.cards, { one: 'USB stick', many: 'USB sticks' }), '2 of 3 USB sticks done · the slowest is verifying');
  });

  it('a failed card keeps the figure it reached and leaves the job\'s, which goes on with the others', () => {
    const start = progressFigures(input('decompressing', 300, 1000, [card('writing'), card('writing')]));
    assert.equal(start.percent, 20);
    const failed = progressFigures(input('decompressing', 600, 1000, [card('writing'), card('failed')]), start.cards);
    assert.deepEqual(failed.cards, [{ step: 'writing', percent: 41 }, { step: 'failed', percent: 20 }]);
    assert.equal(failed.percent, 41, 'the job follows the card still being written');
    assert.equal(progressHeadline(failed.cards), '0 of 2 cards done · the slowest is writing · 1 failed');
    const end = progressFigures(input('done', 1000, 1000, [card('done'), card('failed')]), failed.cards);
    assert.equal(end.percent, 100);
    assert.equal(progressHeadline(end.cards), '1 of 2 cards done · 1 failed');
  });

  it('cancelled: no card left to write, so the job has no figure and says so', () => {
    const running = progressFigures(input('decompressing', 300, 1000, [card('writing'), card('writing')]));
    const cancelled = progressFigures(input('decompressing', 300, 1000, [card('cancelled'), card('cancelled')]), running.cards);
    assert.equal(cancelled.percent, null);
    assert.deepEqual(cancelled.cards.map((c) => c.step), ['cancelled', 'cancelled']);
    assert.equal(progressHeadline(cancelled.cards), '0 of 2 cards done · 2 cancelled');
  });

  it('two cards set up one after the other: the job never goes back and is never ahead of either card', () => {
    const both = (a: Partial<Target>, b: Partial<Target>, state: [TargetState['state'], TargetState['state']]) => [card(state[0], { firstBoot: 'waiting', ...a }), card(state[1], { firstBoot: 'waiting', ...b })];
    const read = (bytes: number) => ({ readBack: { bytes, totalBytes: 400 } });
    const reports = [
      input('preparing', 0, null, both({}, {}, ['pending', 'pending'])),
      input('decompressing', 0, 1000, both({}, {}, ['writing', 'writing'])),
      input('decompressing', 1000, 1000, both({}, {}, ['writing', 'writing'])),
      input('verifying', 500, 800, both(read(400), read(100), ['verifying', 'verifying'])),
      input('verifying', 800, 800, both(read(400), read(400), ['verifying', 'verifying'])),
      input('provisioning', 0, 2, both(read(400), read(400), ['provisioning', 'verifying'])),
      input('provisioning', 1, 2, both({ ...read(400), firstBoot: 'done' }, read(400), ['provisioning', 'verifying'])),
      input('provisioning', 2, 2, both({ ...read(400), firstBoot: 'done' }, { ...read(400), firstBoot: 'done' }, ['provisioning', 'provisioning'])),
      input('provisioning', 2, 2, both({ ...read(400), firstBoot: 'done' }, { ...read(400), firstBoot: 'done' }, ['done', 'writing'])),
      input('done', 1000, 1000, both({ firstBoot: 'done' }, { firstBoot: 'done' }, ['done', 'done'])),
    ];
    const { job, cards } = walk(reports);
    assertNeverBack(job, 'job');
    for (const i of [0, 1]) assertNeverBack(cards.map((c) => c[i]!.percent), `card ${i}`);
    cards.forEach((c, i) => assert.ok(job[i]! <= Math.min(...c.map((f) => f.percent!)), `report ${i}: the job (${job[i]}) is not ahead of a card`));
    assert.deepEqual(cards[5]!.map((c) => c.step), ['first-boot', 'first-boot']);
    assert.deepEqual(job, [0, 0, 66, 73, 95, 95, 95, 99, 99, 100]);
  });
});

describe('written while the image downloads', () => {
  const writing = [card('writing')];
  it('follows how far the writer read into the download, not the image position racing over free space', () => {
    // 4 % of the download read, while the image's position already skipped past 28 % of it (free space).
    const figure = cardFigure({ ...input('writing', 28, 100, writing), download: { bytes: 14, totalBytes: 348, read: 14 } }, writing[0]!);
    // Writing weighs 0.66 of the 0.95 a verified card's steps weigh: 4 % of it is 2 %, not the image's 19 %.
    assert.deepEqual(figure, { step: 'writing', percent: 2 });
  });

  it('stays in the writing step until the stream ends, even with the whole download read', () => {
    const figure = cardFigure({ ...input('writing', 60, 100, writing), download: { bytes: 348, totalBytes: 348, read: 348 } }, writing[0]!);
    assert.equal(figure.step, 'writing');
    assert.equal(figure.percent, Math.floor(((0.66 * 0.99) / 0.95) * 100));
  });
});
