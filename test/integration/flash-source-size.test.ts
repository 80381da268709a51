/**
 * What the image says about its own size, checked before a card is touched: a raw image cut short
 * (its last partition lies past the end of the file) is refused as damaged, and a `.gz` image
 * larger than the card is refused as too large, from gzip's trailer or from the decoded partition
 * table, instead of after the first megabytes were written. Real `fiot-flash flash` runs, real
 * loop devices; the source files are left as they were.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Fixture } from '../fixtures/fixture';
import { resultLine } from '../helpers/cli-json';
import { createLoopDisk } from '../helpers/loop';
import { provisionFixture } from '../helpers/provision-fixture';
import { runCli } from '../helpers/run-cli';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';

const MiB = 1024 * 1024;
const skip = loopSkipReason() ?? commandsSkipReason('gzip', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'debugfs') ?? false;

const sha256Of = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('fiot-flash flash: an image larger than it looks', { skip }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-source-size-'));
  const env = { FIOT_CONFIG_DIR: path.join(dir, 'config'), FIOT_CACHE_DIR: path.join(dir, 'cache') };
  let image: Fixture;

  before(async () => {
    image = await provisionFixture({ layout: 'mbr' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function refusedBeforeWriting(source: string, cardSize: number): Promise<{ code: string; message: string }> {
    const before = sha256Of(source);
    const card = createLoopDisk(cardSize);
    try {
      const run = await runCli(['flash', source, '--drive', card.device, '--yes', '--json'], env);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.equal(card.sectorsWritten(), 0, 'not a byte reached the card');
      assert.equal(sha256Of(source), before, 'the source is unchanged');
      return resultLine(run.stdout).error as { code: string; message: string };
    } finally {
      card.dispose();
    }
  }

  it('refuses a raw image cut short (its last partition lies past the end of the file) as damaged', async () => {
    const cut = path.join(dir, 'cut.raw');
    copyFileSync(image.path, cut);
    const fd = openSync(cut, 'r+');
    ftruncateSync(fd, 32 * MiB);
    closeSync(fd);
    const error = await refusedBeforeWriting(cut, image.size);
    assert.equal(error.code, 'SOURCE_CORRUPT');
    assert.match(error.message, /cut\.raw is cut short: its partition table says the image is at least .* but the file holds 33\.6 MB \(33554432 bytes\)\. Nothing was written\./);
  });

  it('refuses a .gz whose partition table is larger than the card, before writing', async () => {
    const gz = path.join(dir, 'image.raw.gz');
    execFileSync('sh', ['-c', 'gzip -1 -c "$1" > "$2"', 'sh', image.path, gz]);
    const error = await refusedBeforeWriting(gz, image.size / 2);
    assert.equal(error.code, 'TARGET_TOO_SMALL', error.message);
  });

  it('refuses a .gz without a partition table by the size in its trailer', async () => {
    const plain = path.join(dir, 'blank.raw');
    const fd = openSync(plain, 'w');
    ftruncateSync(fd, 96 * MiB);
    closeSync(fd);
    const gz = `${plain}.gz`;
    execFileSync('sh', ['-c', 'gzip -1 -c "$1" > "$2"', 'sh', plain, gz]);
    const error = await refusedBeforeWriting(gz, 48 * MiB);
    assert.equal(error.code, 'TARGET_TOO_SMALL', error.message);
  });
});
