/**
 * Several cards at once (issue #11: three cards from a cached image take at most 1.3x the time of
 * one): verified flashes of the 2 GiB benchmark image from the image cache, to one loop device and
 * to three, alternating, every card checked afterwards. One decode feeds every card, so what a
 * second and third card add is their own writing and read-back.
 *
 *   node --import tsx test/bench/multi-card-bench.ts [--runs N]
 *
 * Needs root (loop devices).
 */
import { parseArgs } from 'node:util';
import { startFlash } from '../../electron/core/flash/job';
import { localFileResolver } from '../../electron/core/image-source';
import { ImageService } from '../../electron/core/images/image-service';
import { createLoopDisk } from '../helpers/loop';
import { loopSkipReason } from '../helpers/system';
import { benchFixture } from './bench-fixture';
import { checkCard, median, primeCache, runBench, seconds, serveIntoCache, verdict } from './bench-run';

async function flashCards(source: string, count: number, size: number, service: ImageService): Promise<{ ms: number; cards: Array<ReturnType<typeof createLoopDisk>> }> {
  const cards = Array.from({ length: count }, () => createLoopDisk(size, 'fiot-bench-card-'));
  const started = Date.now();
  const result = await startFlash({ source, targets: cards.map((card) => card.device) }, { resolvers: [service.resolver(), localFileResolver] }).result;
  const ms = Date.now() - started;
  if (!result.ok) throw new Error(`flash to ${count} cards failed: ${JSON.stringify(result.targets.map((t) => t.error ?? t.state))}`);
  return { ms, cards };
}

async function main(): Promise<void> {
  const skip = loopSkipReason();
  if (skip) throw new Error(`cannot run: ${skip}`);
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
  const runs = Number(values.runs);
  const fixture = await benchFixture();
  const served = await serveIntoCache(fixture.xzPath);
  const { service, url: source } = served;
  try {
    // Into the cache once (downloaded from loopback, flashed once): every timed flash below is a warm one.
    await primeCache(service, source, fixture.size);
    const one: number[] = [];
    const three: number[] = [];
    for (let run = 1; run <= runs; run++) {
      for (const [count, times] of [[1, one], [3, three]] as const) {
        const { ms, cards } = await flashCards(source, count, fixture.size, service);
        times.push(ms);
        try {
          const checks = await Promise.all(cards.map((card) => checkCard(fixture, card.device)));
          console.log(`run ${run}: ${count} card(s) ${seconds(ms)}; ${checks.every((c) => !c.includes('FAILED')) ? 'every card checked' : checks.join('; ')}`);
        } finally {
          for (const card of cards) card.dispose();
        }
      }
    }
    const ratio = median(three) / median(one);
    console.log('');
    console.log(`one card (median of ${runs}): ${seconds(median(one))}; three cards: ${seconds(median(three))}`);
    console.log(`three cards / one card: ${ratio.toFixed(2)}x (goal <= 1.3x) ${verdict(ratio <= 1.3)}`);
  } finally {
    await served.close();
  }
}

runBench(main);
