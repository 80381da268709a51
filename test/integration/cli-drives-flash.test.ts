/**
 * `fiot-flash` run for real, as a script or a person would: exit codes, JSON lines, messages, and
 * the bytes of the loop devices it was (or was not) allowed to touch.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { list } from 'drivelist';
import { createLoopDisk } from '../helpers/loop';
import { createStandInSystemDisk, standInSkipReason } from '../helpers/stand-in-system-disk';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { optionalSkip } from '../helpers/skip';
import { jsonLines, resultLine } from '../helpers/cli-json';

const root = path.resolve(import.meta.dirname, '../..');
const MiB = 1024 * 1024;

function cli(args: string[], input?: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), ...args], { cwd: root, encoding: 'utf8', input: input ?? '', timeout: 120_000 });
}

const lastResult = (stdout: string) => resultLine(stdout);

function sha256OfDevice(device: string, length: number): string {
  const fd = openSync(device, 'r');
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.alloc(MiB);
    for (let offset = 0; offset < length; offset += MiB) hash.update(buffer.subarray(0, readSync(fd, buffer, 0, MiB, offset)));
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

const work = mkdtempSync(path.join(os.tmpdir(), 'fiot-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));
/** A small raw image: random bytes, named .img, enough for the pre-write checks. */
const smallImage = path.join(work, 'small.img');
writeFileSync(smallImage, randomBytes(2 * MiB));

describe('fiot-flash drives', () => {
  it('--json gives one result line whose drives carry the documented fields, no system drive', () => {
    const run = cli(['drives', '--json']);
    assert.equal(run.status, 0, run.stderr);
    const lines = jsonLines(run.stdout);
    assert.equal(lines.length, 1);
    const result = lastResult(run.stdout);
    assert.equal(result.ok, true);
    const drives = result.drives as Array<Record<string, unknown>>;
    assert.ok(Array.isArray(drives));
    for (const drive of drives) {
      assert.equal(typeof drive.device, 'string');
      assert.equal(typeof drive.description, 'string');
      assert.ok(drive.size === null || typeof drive.size === 'number');
      for (const flag of ['isSystem', 'isRemovable', 'isReadOnly']) assert.equal(typeof drive[flag], 'boolean', flag);
      assert.equal(drive.isSystem, false);
    }
  });

  it('--all --json includes the drive holding / and marks it as system', async (t) => {
    const rootDrive = (await list()).find((d) => d.mountpoints.some((m) => m.path === '/'));
    if (!rootDrive) return t.skip(optionalSkip('drivelist sees no drive mounted at / here'));
    const result = lastResult(cli(['drives', '--all', '--json']).stdout);
    const listed = (result.drives as Array<{ device: string; isSystem: boolean }>).find((d) => d.device === rootDrive.device);
    assert.equal(listed?.isSystem, true);
  });

  it('prints a table for people', async (t) => {
    const run = cli(['drives', '--all']);
    assert.equal(run.status, 0);
    if ((await list()).length === 0) return t.skip(optionalSkip('no drives here'));
    assert.match(run.stdout, /^DEVICE\s+SIZE\s+DESCRIPTION/);
  });
});

describe('usage errors exit 2 with a message', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown command', ['frobnicate'], /Unknown command “frobnicate”/],
    ['an unknown flag', ['drives', '--bogus'], /Unknown option '--bogus'/],
    ['flash without a source', ['flash', '--drive', '/dev/loop0'], /Name the image to write/],
    ['flash without --drive', ['flash', smallImage], /Name at least one target with --drive/],
    ['flash with two sources', ['flash', smallImage, smallImage, '--drive', '/dev/loop0'], /Give one image to write/],
    ['a malformed --sha256', ['flash', smallImage, '--drive', '/dev/loop0', '--sha256', 'abc'], /--sha256 takes the 64 hexadecimal digits/],
    ['--drive without a value', ['flash', smallImage, '--drive'], /--drive/],
  ];
  for (const [name, args, message] of cases) {
    it(name, () => {
      const run = cli(args);
      assert.equal(run.status, 2, run.stdout + run.stderr);
      assert.match(run.stderr, message);
      const json = cli([...args, '--json']);
      assert.equal(json.status, 2);
      assert.equal(lastResult(json.stdout).error?.code, 'USAGE');
    });
  }

  it('every command answers --help with exit 0', () => {
    for (const name of ['drives', 'flash', 'station']) {
      const run = cli([name, '--help']);
      assert.equal(run.status, 0, name);
      assert.match(run.stdout, new RegExp(`^Usage: fiot-flash ${name}`), name);
    }
  });
});

describe('fiot-flash flash refuses before writing', { skip: loopSkipReason() ?? false }, () => {
  it('without --yes when stdin is not a terminal: exit 1, a message, the card untouched', () => {
    const disk = createLoopDisk(16 * MiB);
    try {
      writeFileSync(disk.device, Buffer.alloc(16 * MiB, 0xa5));
      const before = sha256OfDevice(disk.device, 16 * MiB);
      const writtenBefore = disk.sectorsWritten();
      const run = cli(['flash', smallImage, '--drive', disk.device]);
      assert.equal(run.status, 1, run.stderr);
      assert.match(run.stderr, /confirmation is needed, and there is no terminal to ask on/);
      assert.match(run.stderr, /--yes/);
      const json = cli(['flash', smallImage, '--drive', disk.device, '--json']);
      assert.equal(json.status, 1);
      assert.equal(lastResult(json.stdout).error?.code, 'NOT_CONFIRMED');
      assert.equal(sha256OfDevice(disk.device, 16 * MiB), before);
      assert.equal(disk.sectorsWritten(), writtenBefore);
    } finally {
      disk.dispose();
    }
  });

  it('a card too small for the image, even with --yes: exit 1, the card untouched', () => {
    const disk = createLoopDisk(1 * MiB);
    try {
      const writtenBefore = disk.sectorsWritten();
      const run = cli(['flash', smallImage, '--drive', disk.device, '--yes', '--json']);
      assert.equal(run.status, 1);
      const result = lastResult(run.stdout);
      assert.equal(result.error?.code, 'TARGET_TOO_SMALL');
      assert.match(result.error?.message ?? '', new RegExp(`${disk.device}.*too small`));
      assert.equal(disk.sectorsWritten(), writtenBefore);
    } finally {
      disk.dispose();
    }
  });

  it('a read-only loop device: exit 1 with TARGET_READ_ONLY', () => {
    const backing = path.join(work, 'ro.img');
    writeFileSync(backing, Buffer.alloc(8 * MiB));
    const device = spawnSync('losetup', ['-r', '-f', '--show', backing], { encoding: 'utf8' }).stdout.trim();
    try {
      const run = cli(['flash', smallImage, '--drive', device, '--yes', '--json']);
      assert.equal(run.status, 1);
      assert.equal(lastResult(run.stdout).error?.code, 'TARGET_READ_ONLY');
    } finally {
      spawnSync('losetup', ['-d', device]);
    }
  });

  it('a loop device over the source image itself: exit 1 with TARGET_IS_SOURCE', () => {
    const disk = createLoopDisk(4 * MiB);
    try {
      writeFileSync(disk.backingFile, randomBytes(4 * MiB));
      const run = cli(['flash', disk.backingFile, '--drive', disk.device, '--yes', '--json']);
      assert.equal(run.status, 1);
      assert.equal(lastResult(run.stdout).error?.code, 'TARGET_IS_SOURCE');
    } finally {
      disk.dispose();
    }
  });

  it('a missing source: exit 1 with SOURCE_NOT_FOUND, the card untouched', () => {
    const disk = createLoopDisk(4 * MiB);
    try {
      const writtenBefore = disk.sectorsWritten();
      const run = cli(['flash', path.join(work, 'nope.raw.xz'), '--drive', disk.device, '--yes', '--json']);
      assert.equal(run.status, 1);
      assert.equal(lastResult(run.stdout).error?.code, 'SOURCE_NOT_FOUND');
      assert.equal(disk.sectorsWritten(), writtenBefore);
    } finally {
      disk.dispose();
    }
  });
});

describe('a system disk is refused whatever the flags and whatever its name, never opened for writing', { skip: standInSkipReason() ?? commandsSkipReason('strace') ?? false }, () => {
  it('flash --yes --no-verify to the stand-in system disk, its partition, its by-id alias and a link to it', { timeout: 180_000 }, async () => {
    const system = await createStandInSystemDisk();
    try {
      const before = system.sha256();
      const expected = { disk: 'TARGET_SYSTEM', partition: 'INVALID_INPUT', alias: 'TARGET_SYSTEM', link: 'TARGET_SYSTEM' };
      for (const [name, device] of Object.entries(system.names)) {
        const trace = path.join(work, `trace-${name}.log`);
        // Inside the namespace where the stand-in holds /srv; strace proves what was opened, by any process.
        const run = system.run('strace', ['-f', '-e', 'trace=open,openat,openat2', '-o', trace, process.execPath, path.join(root, 'bin/fiot-flash.mjs'), 'flash', smallImage, '--drive', device, '--yes', '--no-verify', '--json']);
        assert.equal(run.status, 1, `${name}: ${run.stderr}`);
        const result = lastResult(run.stdout);
        assert.equal(result.error?.code, expected[name as keyof typeof expected], name);
        if (name !== 'partition') assert.match(result.error?.message ?? '', new RegExp(`${system.device}.*system drive`), name);
        assert.ok(!jsonLines(run.stdout).some((l) => l.type === 'progress'), `${name}: no progress, nothing started`);
        const forWriting = readFileSync(trace, 'utf8').split('\n').filter((line) => line.includes(`"${system.device}`) && /O_WRONLY|O_RDWR/.test(line));
        assert.deepEqual(forWriting, [], `${name}: opened for writing:\n${forWriting.join('\n')}`);
      }
      assert.equal(system.sectorsWritten(), 0);
      assert.equal(system.sha256(), before);
    } finally {
      await system.dispose();
    }
  });
});
