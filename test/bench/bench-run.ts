/**
 * What the benchmarks share: the `xz -dc | dd` baseline, the card check run after every flash,
 * the allocated bytes of an image, the peak memory of a writer, and how figures are printed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFlash } from '../../electron/core/flash/job';
import { localFileResolver } from '../../electron/core/image-source';
import { ImageService } from '../../electron/core/images/image-service';
import type { Fixture } from '../fixtures/fixture';
import { assertCardHoldsImage, imageDataRanges } from '../helpers/card-check';
import { startImageServer } from '../helpers/image-server';
import { createLoopDisk } from '../helpers/loop';

export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
export const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const verdict = (met: boolean): string => (met ? 'MET' : 'NOT MET');

export interface Run {
  ms: number;
  bytesWritten: number;
  peakMemory?: number;
}

/** The plain way: `xz -dc [threads] IMAGE.xz | dd of=DEVICE bs=4M oflag=direct`, unverified. */
export function xzDd(xz: string, device: string, xzArgs: string[], sectorsWritten: () => number): Run {
  const started = Date.now();
  const r = spawnSync('sh', ['-c', `xz -dc ${xzArgs.join(' ')} "$0" | dd of="$1" bs=4M oflag=direct status=none`, xz, device], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`xz | dd failed (${r.status})`);
  return { ms: Date.now() - started, bytesWritten: sectorsWritten() * 512 };
}

/** Bytes the image's filesystems allocate, plus tables and gaps: what a flash must write. */
export async function allocatedBytes(fixture: Fixture): Promise<number> {
  return (await imageDataRanges(fixture.path, fixture.size)).reduce((sum, r) => sum + r.length, 0);
}

/** The card after a run: mapped bytes, partition table, e2fsck -fn, fsck.fat, every file. */
export async function checkCard(fixture: Fixture, device: string): Promise<string> {
  try {
    await assertCardHoldsImage(fixture, device, { files: true });
    return 'card check: table, every mapped range, e2fsck -fn, fsck.fat and every file as in the image';
  } catch (error) {
    process.exitCode = 1;
    return `card check FAILED: ${(error as Error).message}`;
  }
}

/** The largest peak resident size (VmHWM) seen among the children of `pid` (the CLI's writer). */
export function watchChildrenPeak(pid: number): { stop(): number } {
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

/** A benchmark's `main`, run as a script: its error printed, the exit code set. */
export function runBench(main: () => Promise<void>): void {
  main().then(() => process.exit(0), (error: unknown) => {
    console.error(error);
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
