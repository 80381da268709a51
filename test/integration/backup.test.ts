/**
 * Golden card: `fiot-flash backup` saves a written card as a multi-block .xz reading only the
 * blocks its filesystems use; `fiot-flash flash` of that file (by random access into the .xz)
 * gives a card whose mapped bytes, partition table, e2fsck / fsck.vfat and files match the golden
 * card's. With --clear-identity the copy has an empty machine ID and no SSH host keys, while the
 * golden card itself is not changed by a byte.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Fixture } from '../fixtures/fixture';
import { assertCardHoldsImage, fillWithOldData } from '../helpers/card-check';
import { resultLine } from '../helpers/cli-json';
import { e2fsck } from '../helpers/fs-tree';
import { attachLoop, type LoopDevice } from '../helpers/loop';
import { provisionFixture } from '../helpers/provision-fixture';
import { runCli } from '../helpers/run-cli';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';

const MiB = 1024 * 1024;
const skip = loopSkipReason() ?? commandsSkipReason('debugfs', 'e2fsck', 'fsck.vfat', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'xz') ?? false;
const MACHINE_ID = '4f6d8a5c2b1e4d3f9a8b7c6d5e4f3a2b\n';
let dir = '';
const cards: LoopDevice[] = [];

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-backup-'));
});
after(() => {
  for (const card of cards) card.detach();
  rmSync(dir, { recursive: true, force: true });
});

function debugfs(image: string, offset: number, request: string, write = false): string {
  return execFileSync('debugfs', [...(write ? ['-w'] : []), '-R', request, `${image}?offset=${offset}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

/** The fixture with what a booted machine has: a machine ID and SSH host keys in its deployment's /etc. */
function goldenImage(fixture: Fixture): { fixture: Fixture; etc: string } {
  const file = path.join(dir, 'golden.img');
  writeFileSync(file, readFileSync(fixture.path));
  const root = fixture.partitions.find((p) => p.label === 'root')!;
  const deployment = debugfs(file, root.offset, 'ls -p /ostree/deploy/fedora-iot/deploy').split('\n').map((line) => line.split('/')[5]).find((name) => name && /\.0$/.test(name));
  assert.ok(deployment, 'the fixture has an ostree deployment');
  const etc = `/ostree/deploy/fedora-iot/deploy/${deployment}/etc`;
  const local = (name: string, text: string) => {
    const at = path.join(dir, name);
    writeFileSync(at, text);
    return at;
  };
  const commands = [
    `write ${local('machine-id', MACHINE_ID)} ${etc}/machine-id`,
    `mkdir ${etc}/ssh`,
    `write ${local('key', 'PRIVATE KEY\n')} ${etc}/ssh/ssh_host_ed25519_key`,
    `write ${local('key.pub', 'ssh-ed25519 AAAA host\n')} ${etc}/ssh/ssh_host_ed25519_key.pub`,
    `write ${local('config', 'PermitRootLogin no\n')} ${etc}/ssh/sshd_config`,
  ];
  writeFileSync(path.join(dir, 'commands'), commands.join('\n') + '\n');
  execFileSync('debugfs', ['-w', '-f', path.join(dir, 'commands'), `${file}?offset=${root.offset}`], { stdio: 'ignore' });
  return { fixture: { ...fixture, path: file }, etc };
}

/** A used card larger than the image: old data everywhere, then the image at its start. */
function cardHolding(image: string | null, size: number, name: string): LoopDevice {
  const backing = path.join(dir, name);
  writeFileSync(backing, '');
  fillWithOldData(backing, size);
  if (image) {
    const fd = openSync(backing, 'r+');
    writeSync(fd, readFileSync(image), 0);
    closeSync(fd);
  }
  const card = attachLoop(backing);
  cards.push(card);
  return card;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

interface BackupLine { ok: boolean; imageSize: number; dataBytes: number; fileBytes: number; cleared: string[] }
interface FlashLine { ok: boolean; xzBlocks?: { total: number; decoded: number }; targets: Array<{ verified: boolean }> }

describe('fiot-flash backup (golden card)', { skip }, () => {
  it('saves only the used blocks; flashing the file gives a card equal to the golden one; clones get their own identity', { timeout: 300_000 }, async () => {
    const { fixture: golden, etc } = goldenImage(await provisionFixture({ layout: 'mbr' }));
    const cardSize = golden.size + 64 * MiB;
    const source = cardHolding(golden.path, cardSize, 'golden-card.img');
    const before = sha256(source.backingFile);
    const env = { FIOT_CONFIG_DIR: path.join(dir, 'settings'), FIOT_CACHE_DIR: path.join(dir, 'cache') };

    const kept = path.join(dir, 'golden.raw.xz');
    const read = source.sectorsRead();
    const saved = await runCli(['backup', source.device, kept, '--keep-identity', '--json'], env);
    assert.equal(saved.code, 0, saved.stderr + saved.stdout);
    const backup = resultLine<BackupLine>(saved.stdout);
    assert.equal(backup.imageSize % MiB, 0);
    assert.ok(backup.imageSize <= golden.size && backup.imageSize > golden.partitions.at(-1)!.offset, `the image ends with the last partition (${backup.imageSize}), not the ${cardSize}-byte card`);
    const readBytes = (source.sectorsRead() - read) * 512;
    assert.ok(readBytes < backup.dataBytes * 2 + 8 * MiB && readBytes < backup.imageSize / 2, `read ${readBytes} bytes of the card for ${backup.dataBytes} bytes of data in a ${backup.imageSize}-byte image`);
    const blocks = Number(/^totals\t\d+\t(\d+)/m.exec(execFileSync('xz', ['--robot', '--list', kept], { encoding: 'utf8' }))?.[1]);
    assert.equal(blocks, backup.imageSize / MiB, 'one xz block per MiB, as osbuild makes them');
    assert.deepEqual(backup.cleared, []);

    const clone = cardHolding(null, cardSize, 'clone-card.img');
    const flashed = await runCli(['flash', kept, '--drive', clone.device, '--yes', '--json'], env);
    assert.equal(flashed.code, 0, flashed.stderr + flashed.stdout.slice(-1500));
    const result = resultLine<FlashLine>(flashed.stdout);
    assert.equal(result.targets[0]?.verified, true);
    assert.ok(result.xzBlocks && result.xzBlocks.decoded < result.xzBlocks.total, `random access: ${JSON.stringify(result.xzBlocks)}`);
    // The image is the golden card up to its last partition: what lies past it belongs to no filesystem.
    const asSaved = { ...golden, size: backup.imageSize };
    await assertCardHoldsImage(asSaved, clone.device, { files: true });
    const root = golden.partitions.find((p) => p.label === 'root')!;
    assert.equal(debugfs(clone.device, root.offset, `cat ${etc}/machine-id`), MACHINE_ID, 'kept: the clone shares the identity');

    // Cleared in the copy: a clone with no machine ID and no host keys; the golden card untouched.
    const cleared = path.join(dir, 'golden-clean.raw.xz');
    const clean = await runCli(['backup', source.device, cleared, '--clear-identity', '--json'], env);
    assert.equal(clean.code, 0, clean.stderr + clean.stdout);
    assert.deepEqual(resultLine<BackupLine>(clean.stdout).cleared.sort(), [`root:${etc}/machine-id`, `root:${etc}/ssh/ssh_host_ed25519_key`, `root:${etc}/ssh/ssh_host_ed25519_key.pub`]);
    const again = await runCli(['flash', cleared, '--drive', clone.device, '--yes', '--json'], env);
    assert.equal(again.code, 0, again.stderr + again.stdout.slice(-1500));
    await assertCardHoldsImage(asSaved, clone.device, { files: true, provisioned: 'root' });
    const check = e2fsck(clone.device, root.offset);
    assert.ok(check.clean, check.output);
    assert.equal(debugfs(clone.device, root.offset, `cat ${etc}/machine-id`), '', 'an empty machine ID: systemd makes a new one');
    assert.deepEqual(debugfs(clone.device, root.offset, `ls -p ${etc}/ssh`).split('\n').map((l) => l.split('/')[5]).filter((n) => n && !n.startsWith('.')), ['sshd_config'], 'no host keys left, the rest kept');
    assert.equal(sha256(source.backingFile), before, 'the golden card was only read');

    // Refusals before anything is read or written.
    const exists = await runCli(['backup', source.device, kept, '--keep-identity'], env);
    assert.equal(exists.code, 1);
    assert.match(exists.stderr, /already exists/);
    const noXz = await runCli(['backup', source.device, path.join(dir, 'golden.img.gz'), '--keep-identity'], env);
    assert.equal(noXz.code, 2);
    const unsaid = await runCli(['backup', source.device, path.join(dir, 'other.raw.xz')], env);
    assert.equal(unsaid.code, 2);
    assert.match(unsaid.stderr, /--clear-identity .* or --keep-identity/);
  });
});
