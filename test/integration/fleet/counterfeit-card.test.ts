/**
 * A card that claims more than it holds: a loop device over a sparse file on a small tmpfs, the
 * way a counterfeit card's controller claims gigabytes over a few hundred megabytes of flash.
 * Writing runs out of room well inside the claimed size, and the flash must say "probably
 * counterfeit or failing", not "too small".
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { makeFixture } from '../../fixtures/fixture';
import { resultLine } from '../../helpers/cli-json';
import { attachLoop } from '../../helpers/loop';
import { loopSkipReason } from '../../helpers/system';

const root = path.resolve(import.meta.dirname, '../../..');
const MiB = 1024 * 1024;
/** Smaller than the ~50 MB the default fixture writes, so the card fills up part-way. */
const REAL_CAPACITY = '24M';

test('a card that stops accepting writes below its claimed size is reported as counterfeit or failing', { skip: loopSkipReason() ?? false }, async () => {
  const fixture = await makeFixture({ xz: true });
  const mountpoint = mkdtempSync(path.join(os.tmpdir(), 'fiot-fake-card-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${REAL_CAPACITY}`, 'tmpfs', mountpoint]);
  try {
    const backing = path.join(mountpoint, 'card.img');
    const fd = openSync(backing, 'w');
    ftruncateSync(fd, fixture.size);
    closeSync(fd);
    const card = attachLoop(backing);
    try {
      const run = spawnSync(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), 'flash', fixture.xzPath!, '--drive', card.device, '--yes', '--json'], { encoding: 'utf8', timeout: 300_000 });
      assert.equal(run.status, 1, run.stderr);
      const result = resultLine(run.stdout) as unknown as { targets: Array<{ error?: { code: string; message: string } }> };
      const error = result.targets[0]?.error;
      assert.equal(error?.code, 'TARGET_COUNTERFEIT', JSON.stringify(error));
      assert.match(error?.message ?? '', new RegExp(`${card.device} is probably counterfeit or failing: it accepted about \\d+(\\.\\d+)? MB of its claimed 268 MB`));
      const accepted = Number(/about ([\d.]+) MB/.exec(error!.message)![1]);
      assert.ok(accepted > 10 && accepted <= 24 * MiB / 1e6 + 1, `about the tmpfs's size: ${accepted} MB`);
    } finally {
      card.detach();
    }
  } finally {
    execFileSync('umount', [mountpoint]);
    rmSync(mountpoint, { recursive: true, force: true });
  }
});
