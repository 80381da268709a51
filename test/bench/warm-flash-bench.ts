/**
 * Warm flash figure (issues #4, #10, #20): a verified flash from the image cache (the sparse
 * decompressed copy + its map) against `dd bs=4M oflag=direct` of that same decompressed copy: both
 * start from the same decoded bytes, so neither pays for a decode. Fresh loop devices, runs in
 * alternating order, every card (the baseline's too) checked afterwards.
 *
 * Uses the faithful Fedora IoT aarch64 fixture (bench-fixture.ts), serves it on loopback and
 * flashes it once into a temp cache (download, verify, decode and write, keeping the decompressed
 * copy: printed as "cold first flash"). Prints medians, their ratio (goal <= 0.3), bytes written
 * against the allocated bytes (goal <= +2%) and the writer's peak memory with its children (goal
 * < 300 MB).
 */
import { startFlash } from '../../electron/core/flash/job';
import { localFileResolver } from '../../electron/core/image-source';
import { createLoopDisk } from '../helpers/loop';
import { faithfulFixture } from './bench-fixture';
import { allocatedBytes, alternating, checkCard, ddFile, figure, mb, median, primeCache, seconds, serveIntoCache, sha256Of, verdict, watchWriterMemory } from './bench-run';


/** The warm flash from the cache's decompressed copy against `dd` of that very copy. */
export async function warmFigure(runs: number): Promise<void> {
  const fixture = await faithfulFixture();
  const { xzPath, size: imageSize } = fixture;
  const allocated = await allocatedBytes(fixture);
  const sha256 = await sha256Of(xzPath);
  const served = await serveIntoCache(xzPath);
  const { service, url } = served;
  try {
    const coldPrepMs = await primeCache(service, url, imageSize, sha256);
    const prepared = await service.prepareSource(url, { sha256 });
    console.log(`\n== Warm flash from the image cache, faithful image ${mb(imageSize)}, .xz ${mb(prepared.entry.size)}; mapped data ${mb(prepared.entry.raw!.dataBytes)} (${((prepared.entry.raw!.dataBytes / imageSize) * 100).toFixed(1)}%)`);
    console.log(`cold first flash (download from loopback, verify, decode and write, keeping the decompressed copy): ${seconds(coldPrepMs)}`);
    const warm: number[] = [];
    const base: number[] = [];
    const written: number[] = [];
    const memory: number[] = [];
    await alternating(runs, [
      async (run) => {
        const card = createLoopDisk(imageSize, 'fiot-bench-card-');
        const watch = watchWriterMemory(process.pid);
        try {
          const started = Date.now();
          const job = startFlash({ source: url, targets: [card.device], sha256 }, { resolvers: [service.resolver(), localFileResolver] });
          const result = await job.result;
          if (!result.ok) throw new Error(`warm flash failed: ${JSON.stringify(result.targets[0]?.error ?? result)}`);
          warm.push(Date.now() - started);
          written.push(card.sectorsWritten() * 512);
          memory.push(watch.stop());
          console.log(`run ${run}: warm verified flash ${seconds(warm.at(-1)!)}, ${mb(written.at(-1)!)} written, writer peak ${mb(memory.at(-1)!)}`);
          console.log(`  ${await checkCard(fixture, card.device)}`);
        } finally {
          watch.stop();
          card.dispose();
        }
      },
      async (run) => {
        const plain = createLoopDisk(imageSize, 'fiot-bench-card-');
        try {
          base.push(ddFile(prepared.path, plain.device, plain.sectorsWritten).ms);
          console.log(`run ${run}: dd of the same decompressed copy ${seconds(base.at(-1)!)}, ${mb(plain.sectorsWritten() * 512)} written`);
          console.log(`  ${await checkCard(fixture, plain.device)}`);
        } finally {
          plain.dispose();
        }
      },
    ]);
    figure('warm verified flash / dd bs=4M oflag=direct of the same decompressed copy (unverified)', median(warm) / median(base), 0.3, `medians ${seconds(median(warm))} against ${seconds(median(base))}`);
    const over = median(written) / allocated - 1;
    console.log(`bytes written: ${mb(median(written))} = allocated ${mb(allocated)} ${over >= 0 ? '+' : ''}${(over * 100).toFixed(1)}% (goal <= +2%) ${verdict(over <= 0.02)}`);
    console.log(`writer peak memory: ${mb(Math.max(...memory))} (goal < 300 MB) ${verdict(Math.max(...memory) < 300e6)}`);
  } finally {
    await served.close();
  }
}
