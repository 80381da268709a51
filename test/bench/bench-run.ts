/**
 * What the benchmarks share: the plain `dd` baselines, the card check run after every flash (and
 * every baseline), the allocated bytes of an image, a CLI flash with the peak memory of its writer
 * and decoders, the alternating order of runs, and how figures and the machine's load are printed.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFlash } from '../../electron/core/flash/job';
import { localFileResolver } from '../../electron/core/image-source';
import { ImageService } from '../../electron/core/images/image-service';
import type { Fixture } from '../fixtures/fixture';
import { assertCardHoldsImage, imageDataRanges } from '../helpers/card-check';
import { startImageServer } from '../helpers/image-server';
import { createLoopDisk } from '../helpers/loop';

const root = path.resolve(import.meta.dirname, '..', '..');

export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
export const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const verdict = (met: boolean): string => (met ? 'MET' : 'NOT MET');

export interface Run {
  ms: number;
  bytesWritten: number;
  peakMemory?: number;
  /** CPU seconds (user + system) of every process the run started: far less noisy than wall time on a shared machine. */
  cpuMs?: number;
}

/**
 * Runs a command through `sh`, which reports its children's CPU time (the shell's `times`: every
 * process below it that was waited for, decoders included) into a file when the command ends.
 */
function cpuCounted(): { script: (command: string) => string; env: NodeJS.ProcessEnv; read(): number; dispose(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-bench-times-'));
  const file = path.join(dir, 'times');
  return {
    script: (command) => `${command}; rc=$?; times > "$FIOT_BENCH_TIMES"; exit $rc`,
    env: { ...process.env, FIOT_BENCH_TIMES: file },
    read() {
      // Two lines: the shell's own user and system time, then its children's, as 1m2.345s.
      const children = readFileSync(file, 'utf8').trim().split('\n').at(-1) ?? '';
      return [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, [, min, sec]) => sum + (Number(min) * 60 + Number(sec)) * 1000, 0);
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** CPU seconds of two runs side by side, for the figures the CPU sets. */
export function cpuLine(ours: Run[], baseline: Run[], baselineName: string): string {
  const cpu = (runs: Run[]) => median(runs.map((r) => r.cpuMs ?? 0));
  return `CPU time (user + system, every process; less noisy than wall time): fiot-flash ${seconds(cpu(ours))}, ${baselineName} ${seconds(cpu(baseline))} (${(cpu(ours) / cpu(baseline)).toFixed(2)}x)`;
}

/** How busy the machine was: figures from a shared 2-core machine are noisy, and this says how noisy. */
export function machineLine(): string {
  const [one, five, fifteen] = os.loadavg().map((load) => load.toFixed(2));
  return `machine: ${os.cpus().length} cores, load ${one} ${five} ${fifteen} (1, 5, 15 min)`;
}

/** One figure against its goal: `ratio` must not pass `goal` (a MET/NOT MET verdict, the load at the time). */
export function figure(what: string, ratio: number, goal: number, detail: string): void {
  console.log(`${what}: ${ratio.toFixed(2)}x (goal <= ${goal.toFixed(2)}x) ${verdict(ratio <= goal)}; ${detail} [load ${os.loadavg()[0]!.toFixed(2)}]`);
}

/** Runs `count` rounds of `steps`, alternating their order (A B, B A, ...) so neither always runs on a warmer machine. */
export async function alternating(count: number, steps: Array<(run: number) => Promise<void>>): Promise<void> {
  for (let run = 1; run <= count; run++) {
    for (const step of run % 2 === 1 ? steps : [...steps].reverse()) await step(run);
  }
}

/** A plain shell command (writing the card `"$0"`, unverified), timed, with its CPU time. */
export function plainRun(command: string, device = ''): Run {
  const cpu = cpuCounted();
  try {
    const started = Date.now();
    const r = spawnSync('sh', ['-c', cpu.script(command), device], { stdio: 'inherit', env: cpu.env });
    if (r.status !== 0) throw new Error(`${command} failed (${r.status})`);
    return { ms: Date.now() - started, bytesWritten: 0, cpuMs: cpu.read() };
  } finally {
    cpu.dispose();
  }
}

function plainWrite(command: string, device: string, sectorsWritten: () => number): Run {
  return { ...plainRun(command, device), bytesWritten: sectorsWritten() * 512 };
}

/**
 * `xz -dc [args] IMAGE.xz | dd`, the way a person writes a card by hand, with `iflag=fullblock`
 * so dd writes whole 4 MiB blocks. Without it dd writes what each read of the pipe returns (xz
 * writes 8 KiB at a time): hundreds of thousands of small direct writes, a baseline slower than
 * what a person would type, which made this bench report 0.71x where it was above 1.
 */
export const xzDd = (xz: string, device: string, xzArgs: string[], sectorsWritten: () => number): Run =>
  plainWrite(`xz -dc ${xzArgs.join(' ')} '${xz}' | dd of="$0" bs=4M iflag=fullblock oflag=direct status=none`, device, sectorsWritten);

/** `dd` of a raw image file onto the card, whole. */
export const ddFile = (file: string, device: string, sectorsWritten: () => number): Run =>
  plainWrite(`dd if='${file}' of="$0" bs=4M oflag=direct status=none`, device, sectorsWritten);

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Bytes the image's filesystems allocate, plus tables and gaps: what a flash must write. */
export async function allocatedBytes(fixture: Fixture): Promise<number> {
  return (await imageDataRanges(fixture.path, fixture.size)).reduce((sum, r) => sum + r.length, 0);
}

/** The card after a run: mapped bytes, partition table, e2fsck -fn, fsck.fat, every file. Baseline cards get the same check. */
export async function checkCard(fixture: Fixture, device: string): Promise<string> {
  try {
    await assertCardHoldsImage(fixture, device, { files: true });
    return 'card check: table, every mapped range, e2fsck -fn, fsck.fat and every file as in the image';
  } catch (error) {
    process.exitCode = 1;
    return `card check FAILED: ${(error as Error).message}`;
  }
}

function processTable(): Map<number, { ppid: number; hwm: number }> {
  const table = new Map<number, { ppid: number; hwm: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      table.set(Number(entry), { ppid: Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]), hwm: Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024 });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return table;
}

/**
 * The writer's peak memory with its decoders (xz -T0 buffers blocks on every thread): every
 * 100 ms, the peak resident sizes (VmHWM) of the writer (`writerDepth` levels below `pid`) and
 * everything below it alive at that moment are added up, and the largest sum is kept: an upper
 * bound of what they held at once. The CLI or this bench (when it runs the job in-process) is not counted.
 */
export function watchWriterMemory(pid: number, writerDepth = 1): { stop(): number } {
  /** Processes below `pid` and their depth; `writerDepth` is 2 when a shell stands between `pid` and the CLI. */
  const below = (table: Map<number, { ppid: number; hwm: number }>) => {
    const depth = new Map([[pid, 0]]);
    for (let grown = true; grown;) {
      grown = false;
      for (const [child, { ppid }] of table) {
        const parent = depth.get(ppid);
        if (depth.has(child) || parent === undefined) continue;
        depth.set(child, parent + 1);
        grown = true;
      }
    }
    return depth;
  };
  // What ran below `pid` before the flash (tsx's esbuild service beside an in-process job) is not the writer's.
  const before = new Set(below(processTable()).keys());
  let peak = 0;
  const look = () => {
    const table = processTable();
    let sum = 0;
    for (const [child, depth] of below(table)) {
      if (depth >= writerDepth && !before.has(child)) sum += table.get(child)?.hwm ?? 0;
    }
    peak = Math.max(peak, sum);
  };
  const timer = setInterval(look, 100);
  return {
    stop() {
      clearInterval(timer);
      look();
      return peak;
    },
  };
}

/** What one `fiot-flash flash` run is asked to do. */
export interface CliFlash {
  source: string;
  devices: string[];
  /** More arguments (`--sha256 HEX`, `--no-discard`). */
  args?: string[];
  /** Starts the CLI (in a throttled cgroup, say); plain `spawn` by default. */
  spawn?: (command: string, args: string[], options: SpawnOptions) => ChildProcess;
}

export interface CliRun extends Run {
  decoder: string;
  result: Record<string, unknown>;
}

/**
 * fiot-flash through its bin script, as a user runs it the first time: with an empty image cache
 * of its own, so every run decodes (or downloads) and keeps what a first flash keeps. The run must
 * end in a verified success; the time runs until the command exits.
 */
export async function flashWithCli(flash: CliFlash): Promise<CliRun> {
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-bench-cache-'));
  const configDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-bench-config-'));
  const cpu = cpuCounted();
  try {
    const args = [path.join(root, 'bin/fiot-flash.mjs'), 'flash', flash.source, ...flash.devices.flatMap((d) => ['--drive', d]), '--yes', '--json', ...(flash.args ?? [])];
    const options: SpawnOptions = { stdio: ['ignore', 'pipe', 'inherit'], env: { ...cpu.env, FIOT_CACHE_DIR: cacheDir, FIOT_CONFIG_DIR: configDir } };
    const started = Date.now();
    const child = (flash.spawn ?? spawn)('sh', ['-c', cpu.script('"$@"'), 'sh', process.execPath, ...args], options);
    const memory = watchWriterMemory(child.pid!, 2);
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => (out += text));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const ms = Date.now() - started;
    const peakMemory = memory.stop();
    const result = out.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).find((m) => m.type === 'result');
    if (code !== 0 || result?.ok !== true) throw new Error(`fiot-flash failed (exit ${code}): ${JSON.stringify(result)}`);
    const bytesWritten = (result.targets as Array<{ bytesWritten?: number }> | undefined)?.[0]?.bytesWritten ?? 0;
    return { ms, bytesWritten, peakMemory, cpuMs: cpu.read(), decoder: String(result.decoder ?? ''), result };
  } finally {
    cpu.dispose();
    rmSync(cacheDir, { recursive: true, force: true });
    rmSync(configDir, { recursive: true, force: true });
  }
}

/** A benchmark's `main`, run as a script: its error printed, the exit code set (1 when a card check failed too). */
export function runBench(main: () => Promise<void>): void {
  main().then(() => process.exit(process.exitCode ?? 0), (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

export interface ServedImage {
  /** The image's URL on loopback: flashing it goes through the image cache like a download. */
  url: string;
  service: ImageService;
  close(): Promise<void>;
}

/** Serves an .xz on 127.0.0.1 and gives a throwaway image cache to fetch it into. */
export async function serveIntoCache(xzPath: string): Promise<ServedImage> {
  const server = await startImageServer();
  server.files.set('/bench.raw.xz', { body: readFileSync(xzPath) });
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-bench-cache-'));
  return {
    url: server.url('/bench.raw.xz'),
    service: new ImageService({ cacheDir, keyDirs: [] }),
    async close() {
      await server.close();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/**
 * The image's first verified flash (download, decode, write), onto a throwaway loop device: the
 * writer leaves the decompressed copy in the cache, so every flash timed after it is a warm one.
 * Returns its time in ms.
 */
export async function primeCache(service: ImageService, url: string, imageSize: number, sha256?: string): Promise<number> {
  const card = createLoopDisk(imageSize, 'fiot-bench-prime-');
  try {
    const started = Date.now();
    const result = await startFlash({ source: url, targets: [card.device], ...(sha256 ? { sha256 } : {}) }, { resolvers: [service.resolver(), localFileResolver] }).result;
    if (!result.ok || result.imageCache !== 'kept') throw new Error(`the first flash kept no copy: ${JSON.stringify(result.error ?? result.targets[0]?.error ?? result.imageCache)}`);
    return Date.now() - started;
  } finally {
    card.dispose();
  }
}
