/**
 * Provisioning on the shape Fedora publishes: a 2 GiB ext4 `boot` (so 4 KiB blocks, with its root
 * directory and the first-boot stamp past the first 32 MiB) in an image compressed as osbuild does
 * (`xz -0 -T0`, many blocks). The check before writing must find the stamp wherever mkfs put it,
 * the config written into that `boot` must be the one real Ignition then applies, and a `boot`
 * with no room left must be refused with the card unchanged.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inspectSource } from '../../../electron/core/image-source';
import { checkSourceForProvisioning } from '../../../electron/core/provision/source-check';
import { debugfs, type Span } from '../../helpers/boot-partition';
import { resultLine } from '../../helpers/cli-json';
import { attachLoop, createLoopDisk } from '../../helpers/loop';
import { realBootFixture } from '../../helpers/provision-fixture';
import { applyWithIgnition, realIgnitionSkipReason } from '../../helpers/real-ignition';
import { sparseFileDigest } from '../../helpers/sparse-digest';
import { ED25519_KEY } from '../../helpers/ssh-keys';
import { commandsSkipReason, loopSkipReason } from '../../helpers/system';

const root = path.resolve(import.meta.dirname, '../../..');
const BLOCK = 4096;
const FIRST_WINDOW = 32 << 20;
const fixtureTools = commandsSkipReason('debugfs', 'dumpe2fs', 'e2fsck', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'openssl', 'xz', 'python3');
const skipLoop = loopSkipReason() ?? fixtureTools ?? false;

/** A note of ~40 KiB in several scripts: in the config's data URL it grows to ~100 KiB. */
const NOTE = 'Grüße aus Köln, naïve café, Ελληνικά, русский, 日本語のテキスト, 한국어, עברית, emoji 🚀🌍\n'.repeat(300);
const NOTE_PATH = '/etc/fiot/welcome-ünïcode.txt';

let dir: string;
let fixture: Awaited<ReturnType<typeof realBootFixture>>;
let boot: Span;

before(async () => {
  if (fixtureTools) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-real-boot-'));
  fixture = await realBootFixture();
  boot = fixture.partitions.find((p) => p.label === 'boot')!;
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), ...args], { cwd: dir, encoding: 'utf8', input: '', timeout: 300_000 });
}

/** The first physical block of `file` in the boot filesystem, from debugfs `blocks`. */
function firstBlock(image: string, file: string): number {
  return Number(debugfs(image, boot, `blocks ${file}`).trim().split(/\s+/)[0]);
}

/** A number from the boot filesystem's superblock, as dumpe2fs -h prints it. */
function superblockField(image: string, field: string): number {
  const header = execFileSync('dumpe2fs', ['-h', `${image}?offset=${boot.offset}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return Number(new RegExp(`^${field}:\\s+(\\d+)$`, 'm').exec(header)?.[1]);
}

/** e2fsck -fn on the boot filesystem in place (a 2 GiB copy would not fit one Buffer): 0 means clean. */
function fsckBoot(device: string): { status: number | null; output: string } {
  const run = spawnSync('e2fsck', ['-fn', `${device}?offset=${boot.offset}`], { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A merge config carrying NOTE: the --ignition FILE of a person who adds their own files. */
function writeMergeConfig(): string {
  const file = path.join(dir, 'extra.ign');
  const source = `data:text/plain;charset=utf-8,${encodeURIComponent(NOTE)}`;
  writeFileSync(file, JSON.stringify({ ignition: { version: '3.3.0' }, storage: { files: [{ path: NOTE_PATH, mode: 0o644, contents: { source } }] } }));
  return file;
}

describe('a 2 GiB boot with 4 KiB blocks, in an osbuild-style .raw.xz', { skip: fixtureTools ?? false }, () => {
  it('keeps its root directory and stamp past the first 32 MiB, and the check before writing still finds the stamp', async () => {
    assert.equal(superblockField(fixture.path, 'Block size'), BLOCK);
    assert.ok(firstBlock(fixture.path, '/') * BLOCK >= FIRST_WINDOW, 'the root directory lies past 32 MiB of boot');
    assert.ok(firstBlock(fixture.path, '/ignition.firstboot') * BLOCK >= FIRST_WINDOW, 'the stamp lies past 32 MiB of boot');
    const blocks = /Blocks:\s+(\d+)/.exec(execFileSync('xz', ['-lv', fixture.xzPath], { encoding: 'utf8' }))?.[1];
    assert.ok(Number(blocks) > 1, `the .xz holds many blocks (${blocks})`);
    await checkSourceForProvisioning(await inspectSource(fixture.xzPath), 'config');
  });

  it('is flashed and provisioned as probe-7, and real Ignition applies the config it finds there', { skip: skipLoop || realIgnitionSkipReason() || false }, () => {
    const card = createLoopDisk(fixture.size);
    try {
      const entry = '/loader/entries/ostree-1-fedora-iot.conf';
      const imageOptions = /^options (.*)$/m.exec(debugfs(fixture.path, boot, `cat ${entry}`))?.[1];
      const run = cli(['flash', fixture.xzPath, '--drive', card.device, '--yes', '--hostname', 'probe-7', '--user', 'core',
        '--ssh-key', ED25519_KEY, '--ignition', writeMergeConfig(), '--wifi-country', 'DE', '--keymap', 'de', '--kernel-arg', 'quiet', '--json']);
      assert.equal(run.status, 0, run.stderr + run.stdout.slice(-2000));
      const out = resultLine(run.stdout) as unknown as { targets: Array<{ hostname: string; verified: boolean }> };
      assert.deepEqual(out.targets.map((t) => [t.hostname, t.verified]), [['probe-7', true]]);
      const fsck = fsckBoot(card.device);
      assert.equal(fsck.status, 0, fsck.output);
      assert.match(debugfs(card.device, boot, 'cat /ignition.firstboot'), /^set ignition_network_kcmdline=/);
      assert.equal(/^options (.*)$/m.exec(debugfs(card.device, boot, `cat ${entry}`))?.[1], `${imageOptions} quiet cfg80211.ieee80211_regdom=DE`,
        'the boot entry keeps the image’s arguments and gains these');

      const configText = debugfs(card.device, boot, 'cat /ignition/config.ign');
      assert.ok(Buffer.byteLength(configText) > 90_000, `the config is ~100 KiB (${Buffer.byteLength(configText)} bytes)`);
      const applied = applyWithIgnition(configText);
      try {
        assert.equal(readFileSync(path.join(applied.root, 'etc/hostname'), 'utf8'), 'probe-7\n');
        assert.equal(readFileSync(path.join(applied.root, 'etc/vconsole.conf'), 'utf8'), 'KEYMAP=de\n');
        assert.equal(readFileSync(path.join(applied.root, NOTE_PATH), 'utf8'), NOTE);
        const keysDir = path.join(applied.root, 'home/core/.ssh/authorized_keys.d');
        const keys = existsSync(keysDir) ? readdirSync(keysDir).map((f) => readFileSync(path.join(keysDir, f), 'utf8')).join('') : '';
        assert.match(keys, new RegExp(ED25519_KEY.replace(/[+/]/g, '\\$&')), applied.log.slice(-2000));
        assert.match(readFileSync(path.join(applied.root, 'etc/group'), 'utf8'), /^wheel:x:10:core$/m);
      } finally {
        applied.dispose();
      }
    } finally {
      card.dispose();
    }
  });

  it('with no room left in boot, is refused and the card keeps every byte', { skip: skipLoop }, () => {
    const image = path.join(dir, 'full-boot.img');
    execFileSync('cp', ['--sparse=always', fixture.path, image]);
    const target = `${image}?offset=${boot.offset}`;
    const free = superblockField(image, 'Free blocks');
    // Allocated without writing (uninitialized extents): a full 2 GiB boot in a second. Ten blocks stay free.
    execFileSync('debugfs', ['-w', '-R', 'write /dev/null filler', target], { stdio: 'ignore' });
    execFileSync('debugfs', ['-w', '-R', `fallocate /filler 0 ${free - 12}`, target], { stdio: 'ignore' });
    assert.equal(superblockField(image, 'Free blocks'), 10);
    const card = attachLoop(image);
    try {
      const before = sparseFileDigest(image);
      const run = cli(['provision', card.device, '--hostname', 'probe-7', '--user', 'core', '--ssh-key', ED25519_KEY, '--ignition', writeMergeConfig(), '--json']);
      assert.equal(run.status, 1, run.stderr + run.stdout);
      const { error } = resultLine(run.stdout);
      assert.equal(error?.code, 'CONFIG_TOO_LARGE');
      assert.match(error?.message ?? '', /“boot” partition has 41 kB free, so it cannot hold it\. Nothing was written\./);
      assert.equal(card.sectorsWritten(), 0, 'not a sector written');
      card.detach();
      assert.equal(sparseFileDigest(image), before);
    } finally {
      card.detach();
    }
  });
});
