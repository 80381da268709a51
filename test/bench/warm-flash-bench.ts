/**
 * Warm flash benchmark (issue #4): a verified flash from the image cache (sparse raw copy + map)
 * against the plain `xz -dc IMAGE.xz | dd of=/dev/loopN bs=4M oflag=direct`, on fresh loop devices.
 *
 *   node --import tsx test/bench/warm-flash-bench.ts [--runs N] [--fixture IMAGE.raw.xz]
 *
 * Uses the cold benchmark's 2 GiB fixture (bench-fixture.ts) unless --fixture (or FIOT_BENCH_FIXTURE) names one,
 * serves it on loopback, fetches it once into a temp cache (download, verify, decompress once, map:
 * timed as "cold preparation"), then alternates warm flashes and baseline runs. Prints medians,
 * their ratio (goal <= 0.25), bytes written to the device (goal <= 20% of the image) and the writer's
 * peak memory (goal < 300 MB). Needs root (loop devices).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startFlash } from '../../electron/core/flash/job';
import { localFileResolver } from '../../electron/core/flash/source';
import { mapImage } from '../../electron/core/image-map';
import { ImageService } from '../../electron/core/images/image-service';
import { startImageServer } from '../helpers/image-server';
import { createLoopDisk } from '../helpers/loop';
import { loopSkipReason } from '../helpers/system';
import { benchFixture } from './bench-fixture';

const MiB = 1024 * 1024;

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * MiB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function xzSize(file: string): number {
  const out = execFileSync('xz', ['--robot', '--list', file], { encoding: 'utf8' });
  const totals = out.split('\n').find((l) => l.startsWith('totals'))!.split('\t');
  return Number(totals[4]);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

async function main(): Promise<void> {
  const skip = loopSkipReason();
  if (skip) throw new Error(`cannot run: ${skip}`);
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, fixture: { type: 'string' } } });
  const runs = Number(values.runs);
  const xzPath = values.fixture ?? process.env.FIOT_BENCH_FIXTURE ?? (await benchFixture()).xzPath;
  const imageSize = xzSize(xzPath);
  const sha256 = await sha256Of(xzPath);
  const server = await startImageServer();
  server.files.set('/bench.raw.xz', { body: readFileSync(xzPath) });
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-bench-cache-'));
  const service = new ImageService({ cacheDir, keyDirs: [], mapImage });
  const url = server.url('/bench.raw.xz');
  try {
    let started = Date.now();
    const prepared = await service.prepareSource(url, { sha256 });
    const coldPrepMs = Date.now() - started;
    console.log(`Image ${mb(imageSize)}, .xz ${mb(prepared.entry.size)}; mapped data ${mb(prepared.entry.raw!.dataBytes)} (${((prepared.entry.raw!.dataBytes / imageSize) * 100).toFixed(1)}%)`);
    console.log(`Cold preparation (download from loopback, verify, decompress once to a sparse copy, map): ${(coldPrepMs / 1000).toFixed(1)} s`);

    const warm: number[] = [];
    const base: number[] = [];
    const written: number[] = [];
    const memory: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const card = createLoopDisk(imageSize, 'fiot-bench-card-');
      try {
        started = Date.now();
        const job = startFlash({ source: url, targets: [card.device], sha256 }, { resolvers: [service.resolver(), localFileResolver] });
        const result = await job.result;
        if (!result.ok) throw new Error(`warm flash failed: ${JSON.stringify(result.targets[0]?.error ?? result)}`);
        warm.push(Date.now() - started);
        written.push(card.sectorsWritten() * 512);
        memory.push(result.writerPeakMemoryBytes ?? 0);
      } finally {
        card.dispose();
      }
      const plain = createLoopDisk(imageSize, 'fiot-bench-card-');
      try {
        started = Date.now();
        const dd = spawnSync('sh', ['-c', `xz -dc "${xzPath}" | dd of=${plain.device} bs=4M oflag=direct status=none`], { stdio: 'inherit' });
        if (dd.status !== 0) throw new Error('xz | dd failed');
        base.push(Date.now() - started);
      } finally {
        plain.dispose();
      }
      console.log(`run ${run}: warm verified flash ${(warm.at(-1)! / 1000).toFixed(2)} s, ${mb(written.at(-1)!)} written, writer peak ${mb(memory.at(-1)!)}; xz -dc | dd ${(base.at(-1)! / 1000).toFixed(2)} s`);
    }
    const ratio = median(warm) / median(base);
    console.log('');
    console.log(`warm verified flash (median of ${runs}): ${(median(warm) / 1000).toFixed(2)} s`);
    console.log(`xz -dc | dd oflag=direct (median):     ${(median(base) / 1000).toFixed(2)} s`);
    console.log(`ratio: ${ratio.toFixed(3)}x (goal <= 0.25x) ${ratio <= 0.25 ? 'MET' : 'NOT MET'}`);
    const share = median(written) / imageSize;
    console.log(`bytes written to the device: ${mb(median(written))} = ${(share * 100).toFixed(1)}% of the image (goal <= 20%) ${share <= 0.2 ? 'MET' : 'NOT MET'}`);
    console.log(`writer peak memory: ${mb(Math.max(...memory))} (goal < 300 MB) ${Math.max(...memory) < 300e6 ? 'MET' : 'NOT MET'}`);
  } finally {
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
