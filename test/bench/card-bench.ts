/**
 * Card-speed figures (issue #20): the faithful Fedora IoT image flashed cold from its local .raw.xz
 * onto loop devices slowed to an A1 SD card in a USB 3 reader (card-throttle.ts), verified:
 * - against the card's floor: the allocated bytes written and read back at the card's rates
 *   (goal <= 1.05x);
 * - bytes written, as the blkio cgroup counted them at the device (goal <= allocated + 2 %);
 * - three cards at once (each its own reader) against one (goal <= 1.15x).
 * When the CLI can skip its discard (`--no-discard`), one card is also timed without it, so the
 * discard's cost shows.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Fixture } from '../fixtures/fixture';
import { createLoopDisk } from '../helpers/loop';
import { faithfulFixture } from './bench-fixture';
import { allocatedBytes, alternating, checkCard, figure, flashWithCli, mb, median, seconds, verdict } from './bench-run';
import { A1_CARD, cardFloorSeconds, throttleCards, throttleSkipReason, type ServiceBytes } from './card-throttle';

type BenchFixture = Fixture & { xzPath: string };

export interface ThrottledRun {
  ms: number;
  /** What each card's device moved, counted by the cgroup. */
  moved: ServiceBytes[];
  peakMemory: number;
}

/**
 * One verified CLI flash of `source` onto `count` fresh throttled cards, every card checked
 * afterwards. The cgroup and the cards are gone when it returns.
 */
export async function throttledFlash(fixture: BenchFixture, source: string, count: number, args: string[] = []): Promise<ThrottledRun> {
  const cards = Array.from({ length: count }, () => createLoopDisk(fixture.size, 'fiot-bench-card-'));
  try {
    const throttle = throttleCards(cards.map((card) => card.device), A1_CARD);
    try {
      const result = await flashWithCli({ source, devices: cards.map((card) => card.device), args, spawn: throttle.spawn });
      const moved = cards.map((card) => throttle.serviceBytes(card.device));
      const checks = await Promise.all(cards.map((card) => checkCard(fixture, card.device)));
      const failed = checks.filter((check) => check.includes('FAILED'));
      console.log(`  ${count} card(s) ${seconds(result.ms)}; written ${moved.map((m) => mb(m.write)).join(', ')}, read ${moved.map((m) => mb(m.read)).join(', ')}; writer + decoders peak ${mb(result.peakMemory ?? 0)}; ${failed.length === 0 ? 'every card checked' : failed.join('; ')}`);
      return { ms: result.ms, moved, peakMemory: result.peakMemory ?? 0 };
    } finally {
      await removeWhenEmpty(throttle.remove);
    }
  } finally {
    for (const card of cards) card.dispose();
  }
}

/** The last process of a cgroup may still be leaving when its parent saw it exit. */
async function removeWhenEmpty(remove: () => void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return remove();
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Whether this build of the CLI can skip its discard. */
function cliHasNoDiscard(): boolean {
  const help = spawnSync(process.execPath, [path.resolve(import.meta.dirname, '../../bin/fiot-flash.mjs'), 'flash', '--help'], { encoding: 'utf8' });
  return `${help.stdout}${help.stderr}`.includes('--no-discard');
}

export async function cardFigures(runs: number): Promise<void> {
  const skip = throttleSkipReason();
  if (skip) {
    console.log(`\n== Card-speed figures skipped: ${skip}`);
    return;
  }
  const fixture = await faithfulFixture();
  const allocated = await allocatedBytes(fixture);
  const floor = cardFloorSeconds(A1_CARD, allocated) * 1000;
  console.log(`\n== Cold flash of the local faithful .raw.xz onto cards slowed to an A1 SD card (write ${mb(A1_CARD.writeBytesPerSecond)}/s, read ${mb(A1_CARD.readBytesPerSecond)}/s, ${A1_CARD.writeIops}/${A1_CARD.readIops} IOPS); allocated ${mb(allocated)}, the card's floor ${seconds(floor)}`);
  const one: ThrottledRun[] = [];
  const three: ThrottledRun[] = [];
  await alternating(runs, [
    async (run) => {
      console.log(`run ${run}, one card:`);
      one.push(await throttledFlash(fixture, fixture.xzPath, 1));
    },
    async (run) => {
      console.log(`run ${run}, three cards at once:`);
      three.push(await throttledFlash(fixture, fixture.xzPath, 3));
    },
  ]);
  const oneMs = median(one.map((r) => r.ms));
  figure('local cold verified flash / the card\'s floor', oneMs / floor, 1.05, `median ${seconds(oneMs)} against ${seconds(floor)}`);
  const written = Math.max(...[...one, ...three].flatMap((r) => r.moved.map((m) => m.write)));
  const over = written / allocated - 1;
  console.log(`bytes written at the device (most of any card): ${mb(written)} = allocated ${over >= 0 ? '+' : ''}${(over * 100).toFixed(1)}% (goal <= +2%) ${verdict(over <= 0.02)}`);
  figure('three cards at once / one card', median(three.map((r) => r.ms)) / oneMs, 1.15, `medians ${seconds(median(three.map((r) => r.ms)))} against ${seconds(oneMs)}`);
  if (cliHasNoDiscard()) {
    console.log('one card without the discard (--no-discard):');
    const plain = await throttledFlash(fixture, fixture.xzPath, 1, ['--no-discard']);
    console.log(`the discard's cost on a card: ${seconds(oneMs - plain.ms)} (with ${seconds(oneMs)}, without ${seconds(plain.ms)})`);
  }
}
