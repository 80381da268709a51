/**
 * `fiot-flash flash --board`: an image made for another architecture is refused before anything
 * is written (exit 1, the words a person needs, the card untouched); `--ignore-board` writes it
 * all the same; an image that fits is written; a board that does not exist is a usage error.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeFixture, type Fixture, type FixtureOptions } from '../../fixtures/fixture';
import { jsonLines, resultLine } from '../../helpers/cli-json';
import { createLoopDisk } from '../../helpers/loop';
import { runCli } from '../../helpers/run-cli';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

const MiB = 1024 * 1024;
const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'openssl', 'xz') ?? false;
const small: FixtureOptions = { size: 128 * MiB, espMib: 16, bootMib: 32, rootFillMib: 8, xz: true };

function sha256Of(file: string, length: number): string {
  const fd = openSync(file, 'r');
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.alloc(MiB);
    for (let offset = 0; offset < length; offset += MiB) hash.update(buffer.subarray(0, readSync(fd, buffer, 0, Math.min(MiB, length - offset), offset)));
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

let home: string;
let env: Record<string, string>;
let arm: Fixture;
let pc: Fixture;
before(async () => {
  if (skip) return;
  home = mkdtempSync(path.join(os.tmpdir(), 'fiot-cli-board-'));
  env = { XDG_CONFIG_HOME: path.join(home, 'config'), XDG_CACHE_HOME: path.join(home, 'cache') };
  [arm, pc] = await Promise.all([makeFixture({ ...small, layout: 'mbr' }), makeFixture({ ...small, layout: 'gpt' })]);
});
after(() => home && rmSync(home, { recursive: true, force: true }));

describe('fiot-flash flash --board', { skip }, () => {
  it('refuses an aarch64 image for a PC: exit 1, what is wrong and what to do, nothing written', async () => {
    const disk = createLoopDisk(small.size!);
    try {
      const before = sha256Of(disk.device, small.size!);
      const run = await runCli(['flash', arm.xzPath!, '--drive', disk.device, '--board', 'uefi-x86_64', '--yes'], env);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /This image is for 64-bit Arm boards \(aarch64\); the PC, laptop or NUC \(x86_64, UEFI\) you chose needs an x86_64 image/);
      assert.match(run.stderr, /--ignore-board/);
      const json = await runCli(['flash', arm.path, '--drive', disk.device, '--board', 'uefi-x86_64', '--yes', '--json'], env);
      assert.equal(json.code, 1);
      assert.equal(resultLine(json.stdout).error?.code, 'IMAGE_BOARD_MISMATCH');
      assert.equal(disk.sectorsWritten(), 0);
      assert.equal(sha256Of(disk.device, small.size!), before);
    } finally {
      disk.dispose();
    }
  });

  it('refuses an x86_64 image for a Raspberry Pi the same way', async () => {
    const disk = createLoopDisk(small.size!);
    try {
      const run = await runCli(['flash', pc.xzPath!, '--drive', disk.device, '--board', 'rpi4', '--yes'], env);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /This image is for PCs and other x86_64 machines; the Raspberry Pi 4 .* you chose needs an aarch64 image/);
      assert.equal(disk.sectorsWritten(), 0);
    } finally {
      disk.dispose();
    }
  });

  it('--ignore-board writes the image all the same, and an image that fits is written', async () => {
    const disk = createLoopDisk(small.size!);
    try {
      const ignored = await runCli(['flash', arm.xzPath!, '--drive', disk.device, '--board', 'uefi-x86_64', '--ignore-board', '--yes', '--json'], env);
      assert.equal(ignored.code, 0, ignored.stderr);
      assert.equal(resultLine(ignored.stdout).ok, true);
      const warning = jsonLines(ignored.stdout).find((line) => line.type === 'warning' && line.code === 'IMAGE_BOARD_MISMATCH');
      assert.match(String(warning?.message), /This image is for 64-bit Arm boards \(aarch64\).*Writing it anyway \(--ignore-board\)\./);
      const esp = arm.partitions[0]!;
      assert.equal(sha256Of(disk.device, esp.offset + esp.size), sha256Of(arm.path, esp.offset + esp.size), 'the table and the ESP are the image’s');
    } finally {
      disk.dispose();
    }
    // A fresh card: only the blocks the image uses are written, so an earlier image's free space would stay.
    const fresh = createLoopDisk(small.size!);
    try {
      const fits = await runCli(['flash', pc.xzPath!, '--drive', fresh.device, '--board', 'uefi-x86_64', '--yes', '--json'], env);
      assert.equal(fits.code, 0, fits.stderr);
      const pcEsp = pc.partitions[0]!;
      assert.equal(sha256Of(fresh.device, pcEsp.offset + pcEsp.size), sha256Of(pc.path, pcEsp.offset + pcEsp.size));
    } finally {
      fresh.dispose();
    }
  });

  it('a board that does not exist, or --ignore-board alone, is a usage error (exit 2)', async () => {
    const unknown = await runCli(['flash', arm.path, '--drive', '/dev/null', '--board', 'commodore64', '--yes'], env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /There is no board “commodore64”: run fiot-flash boards/);
    const alone = await runCli(['flash', arm.path, '--drive', '/dev/null', '--ignore-board', '--yes'], env);
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--ignore-board goes with --board ID/);
  });
});
