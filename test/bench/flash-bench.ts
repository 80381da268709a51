/**
 * Cold flash benchmark (issues #2 and #10): a verified `fiot-flash flash IMAGE.raw.xz --drive
 * /dev/loopN` against the unverified `xz -dc IMAGE.raw.xz | dd of=/dev/loopN bs=4M oflag=direct`,
 * alternating, each run on a fresh loop device, the card checked after every flash. Two images:
 * - the faithful Fedora IoT aarch64 fixture (multi-block, flashed by random access) against
 *   `xz -dc -T0 | dd`: goal <= 0.4x, bytes written <= allocated + 2%;
 * - the 2 GiB single-block fixture (streamed) against `xz -dc | dd`: goal <= 1.0x.
 * And the writer's peak memory (goal < 300 MB).
 *
 *   npm run bench -- [--runs N] [--only faithful|single]
 *
 * The writer runs from its build (dist/writer/main.cjs, as in a packaged app; `npm run build` is
 * run first when it is stale). Needs root (loop devices).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freshBuiltWriter, writerEntryArgs } from '../../electron/core/flash/writer-entry';
import type { Fixture } from '../fixtures/fixture';
import { createLoopDisk } from '../helpers/loop';
import { loopSkipReason } from '../helpers/system';
import { benchFixture, faithfulFixture } from './bench-fixture';
import { allocatedBytes, checkCard, mb, median, seconds, verdict, watchChildrenPeak, xzDd, type Run } from './bench-run';

const root = path.resolve(import.meta.dirname, '..', '..');

/**
 * fiot-flash through its bin script, as a user runs it the first time: with an empty image cache
 * of its own, so every run decodes (and keeps the decompressed copy, as a user's first flash does).
 * The run must end in a verified success.
 */
async function flashWithCli(xz: string, device: string, sectorsWritten: () => number): Promise<Run & { decoder: string }> {
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-bench-cache-'));
  try {
    return await timedFlash(xz, device, sectorsWritten, cacheDir);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

async function timedFlash(xz: string, device: string, sectorsWritten: () => number, cacheDir: string): Promise<Run & { decoder: string }> {
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), 'flash', xz, '--drive', device, '--yes', '--json'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FIOT_CACHE_DIR: cacheDir } });
  const memory = watchChildrenPeak(child.pid!);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const ms = Date.now() - started;
  const peakMemory = memory.stop();
  const result = out.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).find((m) => m.type === 'result');
  if (code !== 0 || result?.ok !== true) throw new Error(`fiot-flash failed (exit ${code}): ${JSON.stringify(result)}`);
  return { ms, bytesWritten: sectorsWritten() * 512, peakMemory: (result.writerPeakMemoryBytes as number | undefined) ?? peakMemory, decoder: String(result.decoder ?? '') };
}

interface Comparison {
  title: string;
  fixture: Fixture & { xzPath: string };
  xzArgs: string[];
  goal: number;
  /** Goal on bytes written, as a share over the allocated bytes (faithful image only). */
  writtenSlack?: number;
}

async function compare(c: Comparison, runs: number): Promise<void> {
  const allocated = await allocatedBytes(c.fixture);
  const baselineName = `xz -dc ${c.xzArgs.join(' ')} | dd`.replace('  ', ' ');
  console.log(`\n== ${c.title}: image ${mb(c.fixture.size)}, allocated ${mb(allocated)}; ${runs} runs of each, alternating`);
  const ours: Run[] = [];
  const baseline: Run[] = [];
  for (let run = 1; run <= runs; run++) {
    for (const which of ['fiot-flash', baselineName]) {
      const card = createLoopDisk(c.fixture.size, 'fiot-bench-card-');
      try {
        if (which === 'fiot-flash') {
          const result = await flashWithCli(c.fixture.xzPath, card.device, card.sectorsWritten);
          ours.push(result);
          console.log(`run ${run} fiot-flash ${seconds(result.ms)}, wrote ${mb(result.bytesWritten)}, writer peak ${mb(result.peakMemory ?? 0)} [${result.decoder}]`);
          console.log(`  ${await checkCard(c.fixture, card.device)}`);
        } else {
          const result = xzDd(c.fixture.xzPath, card.device, c.xzArgs, card.sectorsWritten);
          baseline.push(result);
          console.log(`run ${run} ${which} ${seconds(result.ms)}, wrote ${mb(result.bytesWritten)}`);
        }
      } finally {
        card.dispose();
      }
    }
  }
  const ratio = median(ours.map((r) => r.ms)) / median(baseline.map((r) => r.ms));
  const written = median(ours.map((r) => r.bytesWritten));
  console.log(`fiot-flash (verified): median ${seconds(median(ours.map((r) => r.ms)))}; ${baselineName} (unverified): median ${seconds(median(baseline.map((r) => r.ms)))}`);
  console.log(`ratio: ${ratio.toFixed(2)}x (goal <= ${c.goal.toFixed(2)}x) ${verdict(ratio <= c.goal)}`);
  if (c.writtenSlack !== undefined) {
    const over = written / allocated - 1;
    console.log(`bytes written: ${mb(written)} = allocated ${over >= 0 ? '+' : ''}${(over * 100).toFixed(1)}% (goal <= +${c.writtenSlack * 100}%) ${verdict(over <= c.writtenSlack)}`);
  }
  const peak = Math.max(...ours.map((r) => r.peakMemory ?? 0));
  console.log(`writer peak memory: ${mb(peak)} (goal < 300 MB) ${verdict(peak < 300e6)}`);
}

async function main(): Promise<void> {
  const skip = loopSkipReason();
  if (skip) throw new Error(`cannot run: ${skip}`);
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, only: { type: 'string' } } });
  const runs = Number(values.runs);
  // As a packaged app does, run the built writer (it starts ~0.4 s sooner than through tsx): build it when stale.
  if (!process.env.FIOT_WRITER_ENTRY && !freshBuiltWriter()) execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
  console.log(`Writer entry: ${writerEntryArgs().at(-1)}`);
  if (values.only !== 'single') {
    await compare({ title: 'Cold flash, faithful Fedora IoT aarch64 .raw.xz (1 MiB blocks)', fixture: await faithfulFixture(), xzArgs: ['-T0'], goal: 0.4, writtenSlack: 0.02 }, runs);
  }
  if (values.only !== 'faithful') {
    await compare({ title: 'Cold flash, 2 GiB single-block .raw.xz', fixture: await benchFixture(), xzArgs: [], goal: 1.0 }, runs);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
