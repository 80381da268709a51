/**
 * `fiot-flash flash` end to end: a Fedora-IoT-shaped .raw.xz written to a real loop device through
 * the real writer, as a script (--json --yes) and as a person at a terminal (a pty from `script`),
 * and Ctrl-C in the middle. The test reads the device back itself.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeFixture } from '../fixtures/fixture';
import { createLoopDisk } from '../helpers/loop';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { answerOnTerminal } from '../helpers/terminal';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/fiot-flash.mjs');
const MiB = 1024 * 1024;
const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'xz') ?? false;

function sha256Of(file: string, length: number): string {
  const fd = openSync(file, 'r');
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.alloc(4 * MiB);
    for (let offset = 0; offset < length; ) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, length - offset), offset);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
      offset += read;
    }
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/** The child's exit code; a child still running after `ms` is killed, so a stuck run fails instead of hanging. */
function exitOf(child: ChildProcess, ms = 240_000): Promise<number | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('fiot-flash flash, end to end', { skip }, () => {
  it('writes a .raw.xz to a loop device with --yes --json: progress lines, a verified result, exit 0, the image on the device', async () => {
    const fixture = await makeFixture({ xz: true });
    const disk = createLoopDisk(fixture.size + 16 * MiB);
    try {
      const run = spawnSync(process.execPath, [bin, 'flash', fixture.xzPath!, '--drive', disk.device, '--yes', '--json'], { cwd: root, encoding: 'utf8', timeout: 300_000 });
      assert.equal(run.status, 0, run.stdout.slice(-2000) + run.stderr);
      const lines = jsonLines(run.stdout);
      const progress = lines.filter((l) => l.type === 'progress');
      assert.ok(progress.length > 0, 'progress lines');
      assert.ok(progress.some((p) => p.phase === 'writing' || p.phase === 'decompressing'));
      assert.ok(progress.some((p) => p.phase === 'verifying'), 'a verifying phase');
      const result = lines.at(-1)!;
      assert.equal(result.type, 'result');
      assert.equal(result.ok, true);
      assert.equal(result.imageSize, fixture.size);
      const [target] = result.targets as Array<{ device: string; state: string; verified: boolean }>;
      assert.deepEqual([target?.device, target?.state, target?.verified], [disk.device, 'done', true]);
      // The loop disk started as zeros, like the image's free space: the device must equal the image.
      assert.equal(sha256Of(disk.device, fixture.size), sha256Of(fixture.path, fixture.size));
    } finally {
      disk.dispose();
    }
  });

  it('asks on a terminal, writes after "y", and draws one progress line redrawn in place', { skip: commandsSkipReason('script') ?? false }, async () => {
    const fixture = await makeFixture({ xz: true });
    const disk = createLoopDisk(fixture.size);
    try {
      const { code, transcript: out } = await answerOnTerminal(`${process.execPath} ${bin} flash ${fixture.xzPath} --drive ${disk.device} --no-verify`, 'y');
      assert.match(out, new RegExp(`This will erase everything on ${disk.device} \\(Loop device over .* 2\\d\\d MB\\)\\. Erase it\\? \\[y/N\\] `));
      assert.equal(code, 0, out.slice(-2000));
      assert.match(out, /\r(Writing|Decompressing) +\[[#-]+\] +\d+%/);
      assert.match(out, new RegExp(`✔ ${disk.device}: written \\(not verified\\)`));
      assert.equal(sha256Of(disk.device, fixture.size), sha256Of(fixture.path, fixture.size));
    } finally {
      disk.dispose();
    }
  });

  it('on a terminal, any answer but yes writes nothing', { skip: commandsSkipReason('script') ?? false }, async () => {
    const fixture = await makeFixture({ xz: true });
    const disk = createLoopDisk(fixture.size);
    try {
      const before = disk.sectorsWritten();
      const { code, transcript: out } = await answerOnTerminal(`${process.execPath} ${bin} flash ${fixture.xzPath} --drive ${disk.device}`, 'no');
      assert.equal(code, 1);
      assert.match(out, /Nothing was written/);
      assert.equal(disk.sectorsWritten(), before);
    } finally {
      disk.dispose();
    }
  });

  it('Ctrl-C while writing cancels: exit 1, the card reported cancelled and incomplete', async () => {
    const fixture = await makeFixture({ xz: true });
    const disk = createLoopDisk(fixture.size);
    try {
      const child = spawn(process.execPath, [bin, 'flash', fixture.xzPath!, '--drive', disk.device, '--yes', '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let interrupted = false;
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (!interrupted && /"phase":"(writing|decompressing)"/.test(out)) {
          interrupted = true;
          child.kill('SIGINT');
        }
      });
      const code = await exitOf(child);
      assert.ok(interrupted, 'the flash reached the writing phase');
      assert.equal(code, 1, out.slice(-2000));
      const result = jsonLines(out).at(-1)!;
      assert.equal(result.type, 'result');
      assert.equal(result.ok, false);
      assert.equal((result.error as { code: string }).code, 'CANCELLED');
      const [target] = result.targets as Array<{ state: string; verified: boolean }>;
      assert.notEqual(target?.state, 'done');
      assert.equal(target?.verified, false);
    } finally {
      disk.dispose();
    }
  });
});
