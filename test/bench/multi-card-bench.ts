/**
 * Several cards at once (issue #11: three cards from a cached image take at most 1.3x the time of
 * one): verified flashes of the 2 GiB benchmark image from the image cache, to one loop device and
 * to three, alternating, every card checked afterwards. One decode feeds every card, so what a
 * second and third card add is their own writing and read-back.
 */
import { startFlash } from '../../electron/core/flash/job';
import { localFileResolver } from '../../electron/core/image-source';
import { ImageService } from '../../electron/core/images/image-service';
import { createLoopDisk } from '../helpers/loop';
import { benchFixture } from './bench-fixture';
import { alternating, checkCard, figure, median, primeCache, seconds, serveIntoCache } from './bench-run';

async function flashCards(source: string, count: number, size: number, service: ImageService): Promise<{ ms: number; cards: Array<ReturnType<typeof createLoopDisk>> }> {
  const cards = Array.from({ length: count }, () => createLoopDisk(size, 'fiot-bench-card-'));
  const started = Date.now();
  const result = await startFlash({ source, targets: cards.map((card) => card.device) }, { resolvers: [service.resolver(), localFileResolver] }).result;
  const ms = Date.now() - started;
  if (!result.ok) throw new Error(`flash to ${count} cards failed: ${JSON.stringify(result.targets.map((t) => t.error ?? t.state))}`);
  return { ms, cards };
}

/** Three cards from the cache's copy against one, unthrottled. */
export async function multiCardFigure(runs: number): Promise<void> {
  const fixture = await benchFixture();
  const served = await serveIntoCache(fixture.xzPath);
  const { service, url: source } = served;
  try {
    // Into the cache once (downloaded from loopback, flashed once): every timed flash below is a warm one.
    await primeCache(service, source, fixture.size);
    console.log('\n== Several cards at once from the image cache, 2 GiB image, unthrottled loop devices');
    const one: number[] = [];
    const three: number[] = [];
    const flashAndCheck = (count: number, times: number[]) => async (run: number) => {
      const { ms, cards } = await flashCards(source, count, fixture.size, service);
      times.push(ms);
      try {
        const checks = await Promise.all(cards.map((card) => checkCard(fixture, card.device)));
        console.log(`run ${run}: ${count} card(s) ${seconds(ms)}; ${checks.every((c) => !c.includes('FAILED')) ? 'every card checked' : checks.join('; ')}`);
      } finally {
        for (const card of cards) card.dispose();
      }
    };
    await alternating(runs, [flashAndCheck(1, one), flashAndCheck(3, three)]);
    figure('three cards / one card, from the cache', median(three) / median(one), 1.3, `medians ${seconds(median(three))} against ${seconds(median(one))}`);
  } finally {
    await served.close();
  }
}
