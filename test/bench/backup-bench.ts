/**
 * Golden-card benchmark (issue 17): `fiot-flash backup` of a card holding the faithful Fedora IoT
 * aarch64 image (reads the allocated blocks only, xz -0 -T0 in 1 MiB blocks) against
 * `dd if=CARD bs=4M | xz -T0 -0` of the whole card. Prints each one's wall time and file size.
 *
 *   node --import tsx test/bench/backup-bench.ts [--used]
 *
 * The card is a loop device as large as the image (6 GiB). By default it is a sparse copy of the
 * image: the best case for dd, whose zeros compress to nothing. With --used it is a used card:
 * old data everywhere, then the image flashed by this app (which writes only the data), so its
 * free space holds old data that dd has to compress too. Both runs read through the same warm
 * page cache. Needs root.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fillWithOldData } from '../helpers/card-check';
import { attachLoop } from '../helpers/loop';
import { loopSkipReason } from '../helpers/system';
import { faithfulFixture } from './bench-fixture';

const root = path.resolve(import.meta.dirname, '../..');
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function timed(what: string, run: () => void): number {
  const started = process.hrtime.bigint();
  run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${what}: ${seconds.toFixed(1)} s`);
  return seconds;
}

async function main(): Promise<void> {
  const skip = loopSkipReason();
  if (skip) throw new Error(skip);
  const fixture = await faithfulFixture();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-backup-bench-'));
  const backing = path.join(dir, 'card.img');
  const used = parseArgs({ options: { used: { type: 'boolean' } } }).values.used ?? false;
  if (used) {
    writeFileSync(backing, '');
    fillWithOldData(backing, fixture.size);
  }
  else execFileSync('cp', ['--sparse=always', fixture.path, backing]);
  const card = attachLoop(backing);
  try {
    if (used) execFileSync(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), 'flash', fixture.xzPath, '--drive', card.device, '--yes', '--json'], { env: { ...process.env, FIOT_CONFIG_DIR: path.join(dir, 'config'), FIOT_CACHE_DIR: path.join(dir, 'cache') }, stdio: 'ignore' });
    const golden = path.join(dir, 'golden.raw.xz');
    const backupSeconds = timed('fiot-flash backup', () => {
      const run = spawnSync(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), 'backup', card.device, golden, '--keep-identity', '--json'], { encoding: 'utf8', env: { ...process.env, FIOT_CONFIG_DIR: path.join(dir, 'config') } });
      if (run.status !== 0) throw new Error(run.stderr + run.stdout);
      const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { imageSize: number; dataBytes: number };
      console.log(`  image ${mb(result.imageSize)}, data read ${mb(result.dataBytes)}`);
    });
    const whole = path.join(dir, 'whole.xz');
    const ddSeconds = timed('dd | xz -T0 -0 (whole card)', () => {
      execFileSync('sh', ['-c', 'dd if="$1" bs=4M status=none | xz -T0 -0 > "$2"', 'sh', card.device, whole]);
    });
    const [backupBytes, wholeBytes] = [statSync(golden).size, statSync(whole).size];
    console.log(`sizes: backup ${mb(backupBytes)}, dd | xz ${mb(wholeBytes)}; card ${mb(statSync(backing).size)}`);
    console.log(`backup / dd time: ${(backupSeconds / ddSeconds).toFixed(2)}`);
  } finally {
    card.detach();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
