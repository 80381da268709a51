/**
 * `fiot-flash restore` on loop devices that held a Fedora-IoT-shaped GPT image: afterwards sfdisk
 * sees one partition, fsck accepts the filesystem, and its label is the one asked for; FAT32 up
 * to 32 GiB and exFAT above (a sparse 33 GiB "card").
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { closeSync, copyFileSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { list } from 'drivelist';
import { blocksWithMarker, fillWithMarker } from '../../helpers/card-check';
import { resultLine } from '../../helpers/cli-json';
import { attachLoop } from '../../helpers/loop';
import { provisionFixture } from '../../helpers/provision-fixture';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';
import { optionalSkip } from '../../helpers/skip';

const root = path.resolve(import.meta.dirname, '../../..');
const skip = loopSkipReason() ?? commandsSkipReason('sfdisk', 'fsck.vfat', 'fatlabel', 'mkfs.exfat', 'fsck.exfat', 'tune.exfat', 'mkfs.ext4', 'mcopy') ?? false;
let dir: string;

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-restore-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), ...args], { encoding: 'utf8', input: '', timeout: 120_000 });
}

interface Table { partitiontable: { label: string; partitions: Array<{ start: number; size: number; type: string }> } }

/** The one partition's own loop device, for fsck and the label tools; detached by the caller. */
function partitionLoop(device: string, start: number, sectors: number): string {
  return execFileSync('losetup', ['--find', '--show', '--offset', String(start * 512), '--sizelimit', String(sectors * 512), device], { encoding: 'utf8' }).trim();
}

function restoreAndCheck(device: string, label: string, type: string, fsck: string[], readLabel: (loop: string) => string): void {
  const run = cli(['restore', device, '--label', label, '--yes', '--json']);
  assert.equal(run.status, 0, run.stderr + run.stdout);
  const table = JSON.parse(execFileSync('sfdisk', ['--json', device], { encoding: 'utf8' })) as Table;
  assert.equal(table.partitiontable.label, 'dos', 'the GPT (and its backup at the end) is gone');
  assert.equal(table.partitiontable.partitions.length, 1);
  const [part] = table.partitiontable.partitions;
  assert.equal(part!.type, type);
  assert.equal(part!.start, 2048);
  const result = resultLine(run.stdout) as unknown as { label: string; partition: unknown };
  assert.equal(result.label, label);
  assert.deepEqual(result.partition, { offset: 1 << 20, size: part!.size * 512 });
  const loop = partitionLoop(device, part!.start, part!.size);
  try {
    const check = spawnSync(fsck[0]!, [...fsck.slice(1), loop], { encoding: 'utf8' });
    assert.equal(check.status, 0, `${fsck.join(' ')} accepts it:\n${check.stdout}${check.stderr}`);
    assert.equal(readLabel(loop), label);
  } finally {
    execFileSync('losetup', ['-d', loop]);
  }
}

describe('fiot-flash restore', { skip }, () => {
  it('turns a card that held a Fedora IoT image into one FAT32 partition with the label given', async () => {
    const fixture = await provisionFixture({ layout: 'gpt' });
    const backing = path.join(dir, 'fedora-card.img');
    copyFileSync(fixture.path, backing);
    const card = attachLoop(backing);
    try {
      assert.equal((JSON.parse(execFileSync('sfdisk', ['--json', card.device], { encoding: 'utf8' })) as Table).partitiontable.label, 'gpt');
      restoreAndCheck(card.device, 'FIELD KIT', 'c', ['fsck.vfat', '-n'], (loop) => execFileSync('fatlabel', [loop], { encoding: 'utf8' }).trim());
    } finally {
      card.detach();
    }
  });

  it('keeps nothing of the card’s last use: its old contents are discarded before the new filesystem, and it says so', () => {
    const marker = 'site-7 wifi-psk=HunterTwo;';
    const size = 64 << 20;
    const backing = path.join(dir, 'used-card.img');
    const fd = openSync(backing, 'w');
    ftruncateSync(fd, size);
    closeSync(fd);
    const card = attachLoop(backing);
    try {
      fillWithMarker(card.device, size, marker);
      const run = cli(['restore', card.device, '--label', 'CLEAN', '--yes']);
      assert.equal(run.status, 0, run.stderr + run.stdout);
      assert.match(run.stdout, /Its old contents were discarded before writing: nothing from its last use is left in its free space\./);
      assert.deepEqual(blocksWithMarker(card.device, size, marker), [], 'no block of the card holds the old marker');
    } finally {
      card.detach();
    }
  });

  it('uses exFAT above 32 GiB', () => {
    const backing = path.join(dir, 'sdxc.img');
    const fd = openSync(backing, 'w');
    ftruncateSync(fd, 33 * 1024 ** 3);
    closeSync(fd);
    const card = attachLoop(backing);
    try {
      restoreAndCheck(card.device, 'Feldkit Ü', '7', ['fsck.exfat', '-n'], (loop) => /label: (.*)/i.exec(execFileSync('tune.exfat', ['-l', loop], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' } }))?.[1]?.trim() ?? '');
    } finally {
      card.detach();
    }
  });

  it('refuses a label FAT32 cannot hold, before writing', () => {
    const backing = path.join(dir, 'small.img');
    const fd = openSync(backing, 'w');
    ftruncateSync(fd, 64 << 20);
    closeSync(fd);
    const card = attachLoop(backing);
    try {
      const run = cli(['restore', card.device, '--label', 'much-too-long-label', '--yes']);
      assert.equal(run.status, 2);
      assert.match(run.stderr, /a FAT32 label holds at most 11/);
      assert.equal(card.sectorsWritten(), 0);
    } finally {
      card.detach();
    }
  });
});

describe('fiot-flash restore of a system drive', () => {
  it('is refused before the drive is opened for writing', async (t) => {
    const system = (await list()).find((d) => d.isSystem && d.mountpoints.some((m) => m.path === '/'));
    if (!system) return t.skip(optionalSkip('drivelist sees no system drive here'));
    // strace proves the device was never opened for writing.
    const noStrace = commandsSkipReason('strace');
    if (noStrace) return t.skip(noStrace);
    const trace = path.join(dir, 'restore-trace.log');
    // No --yes, and no terminal to answer on: even a broken check could not get past the question.
    const run = spawnSync('strace', ['-f', '-e', 'trace=open,openat,openat2', '-o', trace, process.execPath, path.join(root, 'bin/fiot-flash.mjs'), 'restore', system.device, '--json'], { encoding: 'utf8', input: '', timeout: 120_000 });
    assert.equal(run.status, 1, run.stderr);
    assert.equal(resultLine(run.stdout).error?.code, 'TARGET_SYSTEM');
    const forWriting = readFileSync(trace, 'utf8').split('\n').filter((line) => line.includes(`"${system.device}"`) && /O_WRONLY|O_RDWR/.test(line));
    assert.deepEqual(forWriting, [], `opened for writing:\n${forWriting.join('\n')}`);
  });
});
