/**
 * The URL figure (issue #20): `fiot-flash flash http://127.0.0.1:PORT/IMAGE.raw.xz --drive ...
 * --sha256 HEX` with an empty image cache, the faithful image served at a home line's speed
 * (12.5 MB/s, a 100 Mbit/s line; line-server.ts) onto cards slowed to an A1 SD card, verified:
 * - one card against what the line and the card allow: max(download, card write) + card read-back
 *   (goal <= 1.15x);
 * - three cards at once against one (goal <= 1.15x).
 * The same CLI call whether the flash waits for the download or writes while it arrives.
 */
import { statSync } from 'node:fs';
import { faithfulFixture } from './bench-fixture';
import { allocatedBytes, alternating, figure, mb, median, seconds, sha256Of } from './bench-run';
import { throttledFlash, type ThrottledRun } from './card-bench';
import { A1_CARD, throttleSkipReason } from './card-throttle';
import { serveAtLineSpeed } from './line-server';

/** 100 Mbit/s. */
const LINE_BYTES_PER_SECOND = 12.5e6;


export async function urlFigures(runs: number): Promise<void> {
  const skip = throttleSkipReason();
  if (skip) {
    console.log(`\n== URL figures skipped: ${skip}`);
    return;
  }
  const fixture = await faithfulFixture();
  const allocated = await allocatedBytes(fixture);
  const fileBytes = statSync(fixture.xzPath).size;
  const sha256 = await sha256Of(fixture.xzPath);
  const download = (fileBytes / LINE_BYTES_PER_SECOND) * 1000;
  const write = (allocated / A1_CARD.writeBytesPerSecond) * 1000;
  const readBack = (allocated / A1_CARD.readBytesPerSecond) * 1000;
  const allowed = Math.max(download, write) + readBack;
  console.log(`\n== Flash from a URL at ${mb(LINE_BYTES_PER_SECOND)}/s onto A1-card-speed loop devices: .raw.xz ${mb(fileBytes)}, allocated ${mb(allocated)}`);
  console.log(`what the line and the card allow: max(${seconds(download)} download, ${seconds(write)} card write) + ${seconds(readBack)} read-back = ${seconds(allowed)}`);
  const one: ThrottledRun[] = [];
  const three: ThrottledRun[] = [];
  const flashFromUrl = (count: number, runsOf: ThrottledRun[]) => async (run: number) => {
    // A fresh server each time: no run rides on a connection another left behind.
    const server = await serveAtLineSpeed(fixture.xzPath, 'Fedora-IoT-bench.aarch64.raw.xz', LINE_BYTES_PER_SECOND);
    try {
      console.log(`run ${run}, ${count === 1 ? 'one card' : `${count} cards at once`}:`);
      runsOf.push(await throttledFlash(fixture, server.url, count, ['--sha256', sha256]));
      console.log(`  served ${mb(server.bytesSent)}`);
    } finally {
      await server.close();
    }
  };
  await alternating(runs, [flashFromUrl(1, one), flashFromUrl(3, three)]);
  const oneMs = median(one.map((r) => r.ms));
  figure('URL flash to a verified card / max(download, card write) + card read-back', oneMs / allowed, 1.15, `median ${seconds(oneMs)} against ${seconds(allowed)}`);
  figure('three cards from the URL at once / one card', median(three.map((r) => r.ms)) / oneMs, 1.15, `medians ${seconds(median(three.map((r) => r.ms)))} against ${seconds(oneMs)}`);
}
