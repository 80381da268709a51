/**
 * Cold flash benchmark (issue #2): a verified `fiot-flash flash IMAGE.raw.xz --drive /dev/loopN`
 * against the unverified `xz -dc IMAGE.raw.xz | dd of=/dev/loopN bs=4M oflag=direct`, alternating,
 * each run on a fresh loop device. Prints both medians, their ratio (goal <= 1.0), the bytes each
 * wrote to the device (/sys/block/loopN/stat) and the writer's peak memory (goal < 300 MB).
 *
 *   npm run bench -- [--runs N] [--fixture IMAGE.raw.xz]
 *
 * The writer runs from its build (dist/writer/main.cjs, as in a packaged app; `npm run build` is
 * run first when it is stale). Without --fixture (or FIOT_BENCH_FIXTURE) it uses the 2 GiB
 * Fedora-IoT-shaped fixture of bench-fixture.ts (built once into the fixture cache). Needs root
 * (loop devices).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freshBuiltWriter, writerEntryArgs } from '../../electron/core/flash/writer-entry';
import { firstDifference, imageDataRanges } from '../helpers/card-check';
import { createLoopDisk } from '../helpers/loop';
import { benchFixture } from './bench-fixture';
import { loopSkipReason } from '../helpers/system';

const root = path.resolve(import.meta.dirname, '..', '..');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function xzImageSize(file: string): number {
  const totals = execFileSync('xz', ['--robot', '--list', file], { encoding: 'utf8' }).split('\n').find((l) => l.startsWith('totals'))!;
  return Number(totals.split('\t')[4]);
}

interface Run {
  ms: number;
  bytesWritten: number;
  peakMemory?: number;
}

/** The largest peak resident size (VmHWM) seen among the children of `pid` (the CLI's writer). */
function watchChildrenPeak(pid: number): { stop(): number } {
  let peak = 0;
  const look = () => {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const status = readFileSync(`/proc/${entry}/status`, 'utf8');
        if (Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) !== pid) continue;
        peak = Math.max(peak, Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024);
      } catch {
        // The process ended between the listing and the read.
      }
    }
  };
  const timer = setInterval(look, 200);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

/** fiot-flash through its bin script, as a user runs it; the run must end in a verified success. */
async function flashWithCli(xz: string, device: string, sectorsWritten: () => number): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), 'flash', xz, '--drive', device, '--yes', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const memory = watchChildrenPeak(child.pid!);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const ms = Date.now() - started;
  const peakMemory = memory.stop();
  const result = out.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).find((m) => m.type === 'result');
  if (code !== 0 || result?.ok !== true) throw new Error(`fiot-flash failed (exit ${code}): ${JSON.stringify(result)}`);
  return { ms, bytesWritten: sectorsWritten() * 512, peakMemory: (result.writerPeakMemoryBytes as number | undefined) ?? peakMemory };
}

function xzDd(xz: string, device: string, sectorsWritten: () => number): Run {
  const started = Date.now();
  const r = spawnSync('sh', ['-c', `xz -dc "$0" | dd of="$1" bs=4M oflag=direct status=none`, xz, device], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`xz | dd failed (${r.status})`);
  return { ms: Date.now() - started, bytesWritten: sectorsWritten() * 512 };
}

async function main(): Promise<void> {
  const skip = loopSkipReason();
  if (skip) throw new Error(`cannot run: ${skip}`);
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, fixture: { type: 'string' } } });
  const runs = Number(values.runs);
  const given = values.fixture ?? process.env.FIOT_BENCH_FIXTURE;
  const fixture = given ? { xz: given, raw: '' } : await benchFixture().then((f) => ({ xz: f.xzPath, raw: f.path }));
  const imageSize = xzImageSize(fixture.xz);
  console.log(`Fixture ${fixture.xz}: image ${mb(imageSize)}; ${runs} runs of each, alternating, fresh loop device each.`);
  // As a packaged app does, run the built writer (it starts ~0.4 s sooner than through tsx): build it when stale.
  if (!process.env.FIOT_WRITER_ENTRY && !freshBuiltWriter()) execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
  console.log(`Writer entry: ${writerEntryArgs().at(-1)}`);

  const ours: Run[] = [];
  const baseline: Run[] = [];
  for (let run = 1; run <= runs; run++) {
    for (const which of ['fiot-flash', 'xz | dd'] as const) {
      const card = createLoopDisk(imageSize, 'fiot-bench-card-');
      try {
        const result = which === 'fiot-flash' ? await flashWithCli(fixture.xz, card.device, card.sectorsWritten) : xzDd(fixture.xz, card.device, card.sectorsWritten);
        (which === 'fiot-flash' ? ours : baseline).push(result);
        const memory = result.peakMemory ? `, writer peak ${mb(result.peakMemory)}` : '';
        console.log(`run ${run} ${which.padEnd(10)} ${seconds(result.ms)}, wrote ${mb(result.bytesWritten)} to the device${memory}`);
        if (which === 'fiot-flash' && run === 1 && fixture.raw) {
          const difference = firstDifference(fixture.raw, card.device, await imageDataRanges(fixture.raw, imageSize));
          console.log(difference ? `  card check FAILED: ${difference}` : '  card check: every mapped range equals the image');
        }
      } finally {
        card.dispose();
      }
    }
  }
  const ourMedian = median(ours.map((r) => r.ms));
  const baseMedian = median(baseline.map((r) => r.ms));
  console.log('');
  console.log(`fiot-flash (verified):   median ${seconds(ourMedian)}, wrote ${mb(median(ours.map((r) => r.bytesWritten)))} (${((median(ours.map((r) => r.bytesWritten)) / imageSize) * 100).toFixed(1)}% of the image)`);
  console.log(`xz -dc | dd (unverified): median ${seconds(baseMedian)}, wrote ${mb(median(baseline.map((r) => r.bytesWritten)))}`);
  console.log(`ratio fiot-flash / xz|dd: ${(ourMedian / baseMedian).toFixed(2)}x (goal <= 1.00x)`);
  const peaks = ours.map((r) => r.peakMemory).filter((m): m is number => m !== undefined);
  if (peaks.length) console.log(`writer peak memory: ${mb(Math.max(...peaks))} (goal < 300 MB)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
