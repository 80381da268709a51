/**
 * An `--ignition` merge larger than the image's `boot` partition can hold (70 MB against a 48 MiB
 * boot): `fiot-flash flash` refuses it before the image is written, and says so truly (the
 * config does not fit; nothing was written), instead of writing the image body and then blaming
 * the image. The loop device and the source are left as they were.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Fixture } from '../../fixtures/fixture';
import { resultLine } from '../../helpers/cli-json';
import { createLoopDisk } from '../../helpers/loop';
import { provisionFixture } from '../../helpers/provision-fixture';
import { runCli } from '../../helpers/run-cli';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

const skip = loopSkipReason() ?? commandsSkipReason('debugfs', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'xz') ?? false;
const BIG_FILE_BYTES = 70 * 1000 * 1000;

describe('fiot-flash flash --ignition too large for boot', { skip }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-config-room-'));
  const env = { FIOT_CONFIG_DIR: path.join(dir, 'config'), FIOT_CACHE_DIR: path.join(dir, 'cache') };
  const merge = path.join(dir, 'big.ign');
  let source: Fixture;

  before(async () => {
    source = await provisionFixture({ layout: 'mbr', xz: true });
    // A data: URL carries the file in the config itself: 70 MB of it must land in /ignition/config.ign on boot.
    const payload = 'A'.repeat(BIG_FILE_BYTES);
    writeFileSync(merge, JSON.stringify({ ignition: { version: '3.3.0' }, storage: { files: [{ path: '/var/lib/big', contents: { source: `data:,${payload}` } }] } }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const format of ['raw', 'xz'] as const) {
    it(`refuses it before writing a ${format} image, with the sizes`, async () => {
      const image = format === 'raw' ? source.path : source.xzPath!;
      const imageSha = createHash('sha256').update(readFileSync(image)).digest('hex');
      const card = createLoopDisk(source.size);
      try {
        const run = await runCli(['flash', image, '--drive', card.device, '--yes', '--hostname', 'probe-1', '--ignition', merge, '--json'], env);
        assert.equal(run.code, 1, run.stdout.slice(-2000) + run.stderr);
        const { error } = resultLine(run.stdout);
        assert.equal(error?.code, 'CONFIG_TOO_LARGE', JSON.stringify(error));
        assert.match(error?.message ?? '', /The Ignition config is 70(\.\d)? MB; the image’s “boot” partition has [\d.]+ MB free, so it cannot hold it\. Nothing was written\./);
        assert.equal(card.sectorsWritten(), 0, 'not a byte reached the card');
        assert.equal(createHash('sha256').update(readFileSync(image)).digest('hex'), imageSha);
      } finally {
        card.dispose();
      }
    });
  }
});
