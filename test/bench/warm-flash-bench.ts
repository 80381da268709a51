/**
 * Warm flash benchmark (issues #4 and #10): a verified flash from the image cache (sparse raw copy
 * + map) against the plain `xz -dc -T0 IMAGE.xz | dd of=/dev/loopN bs=4M oflag=direct`, on fresh
 * loop devices, the card checked after every flash.
 *
 *   node --import tsx test/bench/warm-flash-bench.ts [--runs N]
 *
 * Uses the faithful Fedora IoT aarch64 fixture (bench-fixture.ts), serves it on loopback, fetches
 * it once into a temp cache (download, verify, decode the blocks holding data once, map: timed as
 * "cold preparation"), then alternates warm flashes and baseline runs. Prints medians, their ratio
 * (goal <= 0.3), bytes written against the allocated bytes (goal <= +2%) and the writer's peak
 * memory (goal < 300 MB). Needs root (loop devices).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { startFlash } from '../../electron/core/flash/job';
import { localFileResolver } from '../../electron/core/image-source';
import { createLoopDisk } from '../helpers/loop';
import { loopSkipReason } from '../helpers/system';
import { faithfulFixture } from './bench-fixture';
import { allocatedBytes, checkCard, mb, median, primeCache, runBench, serveIntoCache, verdict, xzDd } from './bench-run';

const MiB = 1024 * 1024;

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * MiB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function main(): Promise<void> {
  const skip = loopSkipReason();
  if (skip) throw new Error(`cannot run: ${skip}`);
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
  const runs = Number(values.runs);
  const fixture = await faithfulFixture();
  const { xzPath, size: imageSize } = fixture;
  const allocated = await allocatedBytes(fixture);
  const sha256 = await sha256Of(xzPath);
  const served = await serveIntoCache(xzPath);
  const { service, url } = served;
  try {
    const coldPrepMs = await primeCache(service, url, imageSize, sha256);
    const prepared = await service.prepareSource(url, { sha256 });
    console.log(`Image ${mb(imageSize)}, .xz ${mb(prepared.entry.size)}; mapped data ${mb(prepared.entry.raw!.dataBytes)} (${((prepared.entry.raw!.dataBytes / imageSize) * 100).toFixed(1)}%)`);
    console.log(`Cold first flash (download from loopback, verify, decode and write, keeping the decompressed copy): ${(coldPrepMs / 1000).toFixed(1)} s`);

    const warm: number[] = [];
    const base: number[] = [];
    const written: number[] = [];
    const memory: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const card = createLoopDisk(imageSize, 'fiot-bench-card-');
      try {
        const started = Date.now();
        const job = startFlash({ source: url, targets: [card.device], sha256 }, { resolvers: [service.resolver(), localFileResolver] });
        const result = await job.result;
        if (!result.ok) throw new Error(`warm flash failed: ${JSON.stringify(result.targets[0]?.error ?? result)}`);
        warm.push(Date.now() - started);
        written.push(card.sectorsWritten() * 512);
        memory.push(result.writerPeakMemoryBytes ?? 0);
        console.log(`run ${run}: warm verified flash ${(warm.at(-1)! / 1000).toFixed(2)} s, ${mb(written.at(-1)!)} written, writer peak ${mb(memory.at(-1)!)}`);
        console.log(`  ${await checkCard(fixture, card.device)}`);
      } finally {
        card.dispose();
      }
      const plain = createLoopDisk(imageSize, 'fiot-bench-card-');
      try {
        base.push(xzDd(xzPath, plain.device, ['-T0'], plain.sectorsWritten).ms);
      } finally {
        plain.dispose();
      }
      console.log(`run ${run}: xz -dc -T0 | dd ${(base.at(-1)! / 1000).toFixed(2)} s`);
    }
    const ratio = median(warm) / median(base);
    console.log('');
    console.log(`warm verified flash (median of ${runs}): ${(median(warm) / 1000).toFixed(2)} s`);
    console.log(`xz -dc -T0 | dd oflag=direct (median): ${(median(base) / 1000).toFixed(2)} s`);
    console.log(`ratio: ${ratio.toFixed(3)}x (goal <= 0.3x) ${verdict(ratio <= 0.3)}`);
    const over = median(written) / allocated - 1;
    console.log(`bytes written: ${mb(median(written))} = allocated ${mb(allocated)} ${over >= 0 ? '+' : ''}${(over * 100).toFixed(1)}% (goal <= +2%) ${verdict(over <= 0.02)}`);
    console.log(`writer peak memory: ${mb(Math.max(...memory))} (goal < 300 MB) ${verdict(Math.max(...memory) < 300e6)}`);
  } finally {
    await served.close();
  }
}

runBench(main);
