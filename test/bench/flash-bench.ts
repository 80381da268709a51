/**
 * Cold flash figures on unthrottled loop devices, where the CPU sets the pace (issues #2, #10, #20):
 * a verified `fiot-flash flash IMAGE.raw.xz --drive /dev/loopN`, with an empty image cache, against
 * - `faithful`: the faithful Fedora IoT aarch64 image (multi-block, read by random access) against
 *   `xz -dc -T0 IMAGE.raw.xz > /dev/null`, the whole file decoded (goal <= 0.85x: only the blocks
 *   holding data need decoding), and bytes written <= allocated + 2 %;
 * - `single`: a person's own 2 GiB `xz -6` image (one block, decoded as a stream) against
 *   `xz -dc | dd bs=4M iflag=fullblock oflag=direct` onto the same kind of card (goal <= 1.0x).
 * Runs alternate their order; every card, ours and the baseline's, is checked afterwards; the
 * writer's peak memory counts its decoders (goal < 300 MB).
 */
import type { Fixture } from '../fixtures/fixture';
import { createLoopDisk } from '../helpers/loop';
import { faithfulFixture, ownXzFixture } from './bench-fixture';
import { allocatedBytes, alternating, checkCard, cpuLine, figure, flashWithCli, mb, median, plainRun, seconds, verdict, xzDd, type Run } from './bench-run';

type BenchFixture = Fixture & { xzPath: string };

async function coldFlash(fixture: BenchFixture, ours: Run[], run: number): Promise<void> {
  const card = createLoopDisk(fixture.size, 'fiot-bench-card-');
  try {
    const result = await flashWithCli({ source: fixture.xzPath, devices: [card.device] });
    ours.push({ ...result, bytesWritten: card.sectorsWritten() * 512 });
    console.log(`run ${run} fiot-flash ${seconds(result.ms)} (CPU ${seconds(result.cpuMs ?? 0)}), wrote ${mb(card.sectorsWritten() * 512)}, writer + decoders peak ${mb(result.peakMemory ?? 0)} [${result.decoder}]`);
    console.log(`  ${await checkCard(fixture, card.device)}`);
  } finally {
    card.dispose();
  }
}

function memoryLine(ours: Run[]): void {
  const peak = Math.max(...ours.map((r) => r.peakMemory ?? 0));
  console.log(`writer peak memory, decoders included: ${mb(peak)} (goal < 300 MB) ${verdict(peak < 300e6)}`);
}

/** The faithful image's cold flash against decoding all of it. */
export async function faithfulFigure(runs: number): Promise<void> {
  const fixture = await faithfulFixture();
  const allocated = await allocatedBytes(fixture);
  console.log(`\n== Cold flash, faithful Fedora IoT aarch64 .raw.xz (1 MiB blocks), unthrottled loop device: image ${mb(fixture.size)}, allocated ${mb(allocated)}`);
  const ours: Run[] = [];
  const decodeAll: Run[] = [];
  await alternating(runs, [
    (run) => coldFlash(fixture, ours, run),
    async (run) => {
      decodeAll.push(plainRun(`xz -dc -T0 '${fixture.xzPath}' > /dev/null`));
      console.log(`run ${run} xz -dc -T0 > /dev/null ${seconds(decodeAll.at(-1)!.ms)}`);
    },
  ]);
  const flash = median(ours.map((r) => r.ms));
  const decode = median(decodeAll.map((r) => r.ms));
  figure('cold verified flash / xz -dc -T0 > /dev/null of the whole file', flash / decode, 0.85, `medians ${seconds(flash)} against ${seconds(decode)}`);
  console.log(cpuLine(ours, decodeAll, 'xz -dc -T0 > /dev/null'));
  const over = median(ours.map((r) => r.bytesWritten)) / allocated - 1;
  console.log(`bytes written: allocated ${over >= 0 ? '+' : ''}${(over * 100).toFixed(1)}% (goal <= +2%) ${verdict(over <= 0.02)}`);
  memoryLine(ours);
}

/** A person's own single-block image: the cold flash against xz into dd, both onto fresh loop devices. */
export async function singleBlockFigure(runs: number): Promise<void> {
  const fixture = await ownXzFixture();
  console.log(`\n== Cold flash, a person's own 2 GiB xz -6 image (GPT, one block), unthrottled loop device: allocated ${mb(await allocatedBytes(fixture))}`);
  const ours: Run[] = [];
  const baseline: Run[] = [];
  await alternating(runs, [
    (run) => coldFlash(fixture, ours, run),
    async (run) => {
      const card = createLoopDisk(fixture.size, 'fiot-bench-card-');
      try {
        baseline.push(xzDd(fixture.xzPath, card.device, [], card.sectorsWritten));
        console.log(`run ${run} xz -dc | dd ${seconds(baseline.at(-1)!.ms)}, wrote ${mb(baseline.at(-1)!.bytesWritten)}`);
        console.log(`  ${await checkCard(fixture, card.device)}`);
      } finally {
        card.dispose();
      }
    },
  ]);
  const flash = median(ours.map((r) => r.ms));
  const plain = median(baseline.map((r) => r.ms));
  figure('cold verified flash / xz -dc | dd bs=4M iflag=fullblock oflag=direct (unverified)', flash / plain, 1.0, `medians ${seconds(flash)} against ${seconds(plain)}`);
  console.log(cpuLine(ours, baseline, 'xz -dc | dd'));
  memoryLine(ours);
}
