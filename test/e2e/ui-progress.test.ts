/**
 * Issue 19, "Progress and counts" (the tester's findings 16 and 23): in Chromium through the
 * station, two loop-device cards written with first-boot settings, each slowed to a card's speed
 * (the blkio cgroup, so the write lasts long enough to watch). Every change of the Write step's
 * header and of the cards' rows is recorded as the page shows it, and what a person would check
 * holds in each: the header's figure is never above a card still being written, never goes
 * back; a row's figure never goes back nor starts over at a step, reads 100 % only once its card
 * is done; the header's words count the cards done and name the step of the slowest card, which
 * a row shows; first boot counts cards, never bytes, and shows no speed. The card bench's tile,
 * for one slowed card: its figure goes once from 0 to 100, its bar with it, 100 only when done.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Fixture } from '../fixtures/fixture';
import { throttleCards, throttleSkipReason, type ThrottledCards } from '../bench/card-throttle';
import { chromiumSkipReason, screenshotPath, watchedPage } from '../helpers/browser';
import { attachNewCard, createLoopDisk } from '../helpers/loop';
import { provisionFixture } from '../helpers/provision-fixture';
import { ED25519_KEY } from '../helpers/ssh-keys';
import { openStationSession, type StationSession } from '../helpers/station-session';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { addTarget, chooseImage, confirmErase } from '../helpers/ui-steps';

const skip = loopSkipReason() ?? chromiumSkipReason() ?? throttleSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'debugfs');
/** Slow enough that each step spans several reports (the fixture writes ~20 MB per card), fast enough for a test. */
const SLOW_CARD = { writeBytesPerSecond: 3e6, readBytesPerSecond: 6e6, writeIops: 200, readIops: 400 };

interface Row {
  device: string;
  state: string;
  step: string;
  percent: number | null;
  words: string;
}

interface Sample {
  phase: string;
  headline: string;
  percent: number | null;
  details: string;
  rows: Row[];
}

/** The step names as a row says them (shared/domain/flash-figures.ts cardStepWords), lower case as the header quotes them. */
const STEP_WORDS: Record<string, string> = {
  starting: 'starting', writing: 'writing', verifying: 'verifying', 'first-boot': 'setting up first boot', finishing: 'finishing', done: 'done', failed: 'failed', cancelled: 'cancelled',
};

/** Starts recording every change of the progress view, as text and figures, in the page. */
async function recordProgress(page: Page): Promise<void> {
  // No named functions inside: the test's TypeScript transform would wrap them in a helper the page lacks.
  await page.evaluate(() => {
    const samples: unknown[] = [];
    (window as unknown as { progressSamples: unknown[] }).progressSamples = samples;
    let last = '';
    new MutationObserver(() => {
      const view = document.querySelector<HTMLElement>('[data-testid="progress"]');
      if (!view) return;
      const percentText = view.dataset.percent;
      const sample = {
        phase: view.dataset.phase ?? '',
        headline: view.querySelector('[data-testid="progress-headline"]')?.textContent ?? '',
        percent: percentText === undefined ? null : Number(percentText),
        details: view.querySelector('[data-testid="progress-details"]')?.textContent ?? '',
        rows: [...view.querySelectorAll<HTMLElement>('[data-testid="target-progress"]')].map((row) => ({
          device: row.dataset.device ?? '',
          state: row.dataset.state ?? '',
          step: row.dataset.step ?? '',
          percent: row.dataset.percent === undefined ? null : Number(row.dataset.percent),
          words: row.querySelector('.target-phase')?.textContent ?? '',
        })),
      };
      const text = JSON.stringify(sample);
      if (text === last) return;
      last = text;
      samples.push(sample);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

/** The cgroup goes once the processes started in it (the writer, the tools it ran) have ended. */
async function removeOnceEmpty(throttled: ThrottledCards): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      throttled.remove();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EBUSY' || tries >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function shot(page: Page, name: string): Promise<void> {
  const file = screenshotPath(name);
  if (file) await page.screenshot({ path: file, fullPage: true });
}

describe('write progress that agrees with itself', { skip: skip ?? false }, () => {
  let session: StationSession;
  let fixture: Fixture;
  let cardDir: string;

  before(async () => {
    // The card readers' stand-in for the card bench: loop devices over files here are removable cards.
    cardDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-progress-readers-'));
    [fixture, session] = await Promise.all([provisionFixture({ layout: 'mbr' }), openStationSession('progress', { FIOT_TEST_CARD_DIR: cardDir })]);
  });
  after(async () => {
    await session?.close();
    rmSync(cardDir, { recursive: true, force: true });
  });

  /** The image, then first boot: names from a pattern, a user with a key. */
  async function imageAndFirstBoot(page: Page, hostname: string): Promise<void> {
    await page.goto(session.station.url);
    await chooseImage(page, session.offer(fixture.path));
    await page.getByTestId('step-continue').click();
    await page.getByTestId('provisioning-enabled').check();
    await page.getByLabel('Hostname', { exact: true }).fill(hostname);
    await page.getByLabel('User name', { exact: true }).fill('core');
    await page.getByLabel('SSH public keys (one per line)').fill(ED25519_KEY);
    await page.getByText('(next card: 1)').waitFor();
  }

  it('two cards with first-boot settings: the header and the rows never contradict, never go back', { timeout: 300_000 }, async () => {
    const cards = [createLoopDisk(fixture.size), createLoopDisk(fixture.size)];
    const throttled: ThrottledCards = throttleCards(cards.map((c) => c.device), SLOW_CARD);
    const leave = throttled.enter();
    const { page, pageErrors } = await watchedPage(session.browser);
    try {
      await imageAndFirstBoot(page, 'gate-{n}');
      await page.getByTestId('step-continue').click();
      for (const card of cards) await addTarget(page, card.device);
      await page.getByTestId('step-continue').click();
      await recordProgress(page);
      await page.getByTestId('flash-button').click();
      await confirmErase(page);

      // Mid-write, as a person sees it: at 1280 px, then the same moment at 800 px.
      await page.waitForFunction(() => Number((document.querySelector('[data-testid="progress"]') as HTMLElement | null)?.dataset.percent ?? 0) >= 30, undefined, { timeout: 120_000 });
      await shot(page, 'progress-2-cards-1280');
      await page.setViewportSize({ width: 800, height: 800 });
      await shot(page, 'progress-2-cards-800');
      await page.setViewportSize({ width: 1280, height: 900 });

      const outcome = page.locator('[data-testid="result-success"], [data-testid="result-failure"]');
      await outcome.waitFor({ timeout: 180_000 });
      assert.equal(await outcome.getAttribute('data-testid'), 'result-success', await outcome.innerText());
      await shot(page, 'progress-2-cards-result-1280');
      const samples = await page.evaluate(() => (window as unknown as { progressSamples: Sample[] }).progressSamples);
      const withFigures = samples.filter((s) => s.rows.length === 2);
      console.log(`progress: ${samples.length} states seen, header figures ${[...new Set(samples.map((s) => s.percent))].join(' ')}`);

      // Each step was seen, in rows and header, with several figures in between.
      const steps = new Set(withFigures.flatMap((s) => s.rows.map((r) => r.step)));
      for (const step of ['writing', 'verifying', 'first-boot', 'done']) assert.ok(steps.has(step), `a row said ${step}: ${[...steps].join(', ')}`);
      const figures = new Set(withFigures.map((s) => s.percent).filter((p): p is number => p !== null && p > 0 && p < 100));
      assert.ok(figures.size >= 5, `the header moved through several figures: ${[...figures].join(' ')}`);

      let header = 0;
      const rowBefore = new Map<string, number>();
      for (const sample of withFigures) {
        const where = JSON.stringify(sample);
        const running = sample.rows.filter((r) => !['done', 'failed', 'cancelled'].includes(r.step));
        const done = sample.rows.filter((r) => r.step === 'done').length;
        if (sample.percent !== null) {
          // The header's figure: never back, never above a card still being written, 100 only once all are done.
          assert.ok(sample.percent >= header, `the header went back from ${header}: ${where}`);
          header = sample.percent;
          for (const row of running) assert.ok(row.percent === null || sample.percent <= row.percent, `the header is ahead of ${row.device}: ${where}`);
          if (sample.percent === 100) assert.equal(done, 2, `100 % with a card not done: ${where}`);
        }
        for (const row of sample.rows) {
          if (row.percent === null) continue;
          assert.ok(row.percent >= (rowBefore.get(row.device) ?? 0), `${row.device} went back: ${where}`);
          rowBefore.set(row.device, row.percent);
          if (row.percent === 100) assert.equal(row.step, 'done', `${row.device} reads 100 % before it is done: ${where}`);
          assert.ok(row.words.toLowerCase().startsWith(STEP_WORDS[row.step]!), `${row.device}'s words say its step: ${where}`);
        }
        if (sample.headline === 'Cancelling…') continue;
        // The header's words: the cards done, counted as cards, and the slowest card's step, which a row shows at the header's figure.
        assert.match(sample.headline, new RegExp(`^${done} of 2 cards or USB sticks done`), where);
        const slowest = /the slowest is (.+?)(?: · |$)/.exec(sample.headline)?.[1];
        if (running.length > 0) {
          assert.ok(slowest, `the header names what the slowest card does: ${where}`);
          const match = running.filter((r) => STEP_WORDS[r.step] === slowest);
          assert.ok(match.length > 0, `a row says "${slowest}": ${where}`);
          if (sample.percent !== null) assert.ok(match.some((r) => r.percent === sample.percent), `the slowest row is at the header's figure: ${where}`);
        }
        // Units: bytes are bytes; first boot counts cards and has no speed.
        assert.doesNotMatch(sample.details, /\b\d+ B of \d+ B\b/, where);
        if (sample.phase === 'provisioning') {
          assert.match(sample.details, /^First boot: \d of 2 cards set up$/, where);
          assert.doesNotMatch(sample.details, /\/s\b/, where);
        }
      }
      assert.equal(header, 100, 'the header reached 100 % at the end');
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.close();
      leave();
      await removeOnceEmpty(throttled);
      for (const card of cards) card.dispose();
    }
  });

  it('the card bench: a tile\'s figure goes once from 0 to 100 over writing, reading back and first boot', { timeout: 300_000 }, async () => {
    // In its reader before the bench is on, so it is slowed before anything is written; then named to be written.
    const card = attachNewCard(path.join(cardDir, 'reader-1.img'), fixture.size);
    const throttled = throttleCards([card.device], SLOW_CARD);
    const leave = throttled.enter();
    const { page, pageErrors } = await watchedPage(session.browser);
    try {
      await imageAndFirstBoot(page, 'shed-{n}');
      await page.getByTestId('tool-open-bench').click();
      await page.getByTestId('bench-switch').click();
      const tile = page.locator(`[data-testid="bench-slot"][data-device="${card.device}"]`);
      await tile.getByTestId('bench-include').click();
      await page.evaluate((device) => {
        const seen: string[] = [];
        (window as unknown as { tileSeen: string[] }).tileSeen = seen;
        new MutationObserver(() => {
          const slot = document.querySelector<HTMLElement>(`[data-testid="bench-slot"][data-device="${device}"]`);
          if (!slot) return;
          const text = `${slot.dataset.state}|${slot.querySelector('.bench-phase')?.textContent ?? ''}|${slot.querySelector('.bench-percent')?.textContent ?? ''}|${slot.querySelector<HTMLElement>('.progress-fill')?.style.width ?? ''}`;
          if (seen.at(-1) !== text) seen.push(text);
        }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      }, card.device);
      await tile.getByTestId('bench-include-yes').click();
      await page.waitForFunction((device) => Number(document.querySelector(`[data-testid="bench-slot"][data-device="${device}"] .bench-percent`)?.textContent?.replace('%', '') || 0) >= 30, card.device, { timeout: 120_000 });
      await shot(page, 'progress-bench-tile-1280');
      await page.locator(`[data-testid="bench-slot"][data-device="${card.device}"][data-state="done"]`).waitFor({ timeout: 180_000 });
      const seen = await page.evaluate(() => (window as unknown as { tileSeen: string[] }).tileSeen);
      console.log(`bench tile: ${seen.length} states seen`);
      let last = 0;
      const words = new Set<string>();
      for (const line of seen) {
        const [state, phase, percentText, width] = line.split('|') as [string, string, string, string];
        if (!percentText) continue;
        const percent = Number(percentText.replace('%', ''));
        assert.ok(percent >= last, `the tile went back from ${last}: ${seen.join('\n')}`);
        last = percent;
        assert.equal(width, `${percent}%`, `the bar is where the figure says: ${line}`);
        if (percent === 100) assert.equal(state, 'done', `100 % before the card is done: ${line}`);
        words.add(phase);
      }
      for (const phase of ['Writing', 'Verifying', 'Setting up first boot', 'Verified — safe to take out']) assert.ok(words.has(phase), `the tile said ${phase}: ${[...words].join(', ')}`);
      assert.equal(last, 100);
      await page.getByTestId('bench-switch').click();
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.close();
      leave();
      await removeOnceEmpty(throttled);
      card.detach();
    }
  });
});
