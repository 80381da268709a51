/**
 * `npm run bench`: the flash figures of issues #2, #4, #10, #11 and #20, each printed with its goal
 * and a verdict, and a machine line (cores, load) before each so a reader knows how noisy it was.
 *
 *   npm run bench -- [--runs N] [--only faithful,single,warm,multi,card,url]
 *
 * - faithful: cold flash of the faithful image against `xz -dc -T0 > /dev/null` (CPU-bound)
 * - single:   cold flash of a person's own single-block `xz -6` image against `xz -dc | dd`
 * - warm:     flash from the image cache against `dd` of the same decompressed copy
 * - multi:    three cards from the cache against one
 * - card:     on cards slowed to an A1 SD card's speed: against the card's floor, bytes written,
 *             three cards against one (needs the cgroup v1 blkio controller; skipped without it)
 * - url:      from a URL at 12.5 MB/s onto such cards, one and three at once
 * The writer runs from its build (dist/writer/main.cjs, as in a packaged app; built first when
 * stale). Needs root (loop devices). Runs default to 3; the machine's load is printed with every
 * figure, since a shared machine makes every figure noisy.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freshBuiltWriter, writerEntryArgs } from '../../electron/core/flash/writer-entry';
import { loopSkipReason } from '../helpers/system';
import { machineLine, runBench } from './bench-run';
import { cardFigures } from './card-bench';
import { faithfulFigure, singleBlockFigure } from './flash-bench';
import { multiCardFigure } from './multi-card-bench';
import { urlFigures } from './url-bench';
import { warmFigure } from './warm-flash-bench';

const figures: Record<string, (runs: number) => Promise<void>> = {
  faithful: faithfulFigure,
  single: singleBlockFigure,
  warm: warmFigure,
  multi: multiCardFigure,
  card: cardFigures,
  url: urlFigures,
};

async function main(): Promise<void> {
  const skip = loopSkipReason();
  if (skip) throw new Error(`cannot run: ${skip}`);
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, only: { type: 'string' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a whole number of runs, 1 or more (got ${values.runs}).`);
  const chosen = values.only ? values.only.split(',').map((name) => name.trim()) : Object.keys(figures);
  const unknown = chosen.filter((name) => !figures[name]);
  if (unknown.length > 0) throw new Error(`--only knows ${Object.keys(figures).join(', ')} (got ${unknown.join(', ')}).`);
  // As a packaged app does, run the built writer (it starts ~0.4 s sooner than through tsx): build it when stale.
  if (!process.env.FIOT_WRITER_ENTRY && !freshBuiltWriter()) execFileSync(process.execPath, [path.resolve(import.meta.dirname, '../../scripts/build.mjs')], { stdio: 'inherit' });
  console.log(`writer entry: ${writerEntryArgs().at(-1)}; ${runs} run(s) of each`);
  for (const name of chosen) {
    console.log(`\n${machineLine()}`);
    await figures[name]!(runs);
  }
  console.log(`\n${machineLine()}`);
}

runBench(main);
