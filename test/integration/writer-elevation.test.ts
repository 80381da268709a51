/**
 * The elevated writer borrows nothing from the user who asked for it. The app is "installed" the
 * way the deb and rpm lay it out (root-owned: the launcher, the bundled writer, the binary), the
 * command is built as a non-root Linux host would build it, and a stand-in pkexec (no polkit agent
 * can answer here) runs it as root, as carelessly as possible: with a fake xz and umount first on
 * PATH, NODE_OPTIONS and FIOT_WRITER_ENTRY pointing at the user's code. None of it may run; the card
 * must still be written from the .xz and unmounted by the system's own tools. And a payload others
 * could change (a broken install) is refused by the app and by the launcher itself, unrun.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnWriter } from '../../electron/core/flash/writer-client';
import { writerCommand, type WriterCommand } from '../../electron/core/flash/writer-command';
import { freshBuiltWriter } from '../../electron/core/flash/writer-entry';
import type { WriterJob } from '../../shared/writer-protocol';
import { FiotError } from '../../shared/errors';
import { SYSTEM_PATH } from '../../electron/core/system-tools';
import { readRange } from '../helpers/card-check';
import { createLoopDisk } from '../helpers/loop';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';

const root = path.resolve(import.meta.dirname, '../..');
const MiB = 1024 * 1024;
const bundle = freshBuiltWriter();
const skip = loopSkipReason() ?? commandsSkipReason('xz', 'mkfs.ext4', 'mount', 'umount') ?? (bundle ? false : 'needs a fresh dist/writer/main.cjs (npm run build)');

let dir = '';
let launcher = '';
let pkexec = '';
let image = '';
let xzImage = '';
const marks = () => path.join(dir, 'user', 'marks');

/** The packaged layout: resources/fiot-writer next to resources/app.asar.unpacked/dist/writer/main.cjs, the binary one up. */
function installApp(): string {
  const app = path.join(dir, 'opt', 'Fedora IoT Flasher');
  const unpacked = path.join(app, 'resources', 'app.asar.unpacked');
  mkdirSync(path.join(unpacked, 'dist', 'writer'), { recursive: true });
  copyFileSync(bundle!, path.join(unpacked, 'dist', 'writer', 'main.cjs'));
  // The native modules electron-builder unpacks beside the writer: the clone's, through a root-owned link.
  symlinkSync(path.join(root, 'node_modules'), path.join(unpacked, 'node_modules'));
  // Electron running as Node, here Node itself.
  symlinkSync(process.execPath, path.join(app, 'fedora-iot-flasher'));
  const installed = path.join(app, 'resources', 'fiot-writer');
  copyFileSync(path.join(root, 'assets', 'linux', 'fiot-writer'), installed);
  chmodSync(installed, 0o755);
  return installed;
}

/** What the user controls: programs named like the system's, and a script for NODE_OPTIONS. */
function plantUserTraps(): { bin: string; evil: string } {
  const bin = path.join(dir, 'user', 'bin');
  mkdirSync(bin, { recursive: true });
  mkdirSync(marks());
  for (const tool of ['xz', 'umount', 'node', 'env']) {
    writeFileSync(path.join(bin, tool), `#!/bin/sh\nid -u > '${marks()}/${tool}'\nexit 1\n`, { mode: 0o755 });
  }
  const evil = path.join(dir, 'user', 'evil.cjs');
  writeFileSync(evil, `require('node:fs').writeFileSync(${JSON.stringify(path.join(marks(), 'node-options'))}, String(process.getuid()));\n`);
  return { bin, evil };
}

/** Stands in for pkexec, which needs a polkit agent: records its arguments, then runs them as root with the caller's traps in the environment. */
function standInPkexec(traps: { bin: string; evil: string }): string {
  const file = path.join(dir, 'pkexec');
  writeFileSync(file, [
    '#!/bin/sh',
    `printf '%s\\n' "$@" > '${dir}/pkexec-args'`,
    `export PATH='${traps.bin}':"$PATH" NODE_OPTIONS='--require ${traps.evil}' FIOT_WRITER_ENTRY='${traps.evil}'`,
    'exec "$@"',
    '',
  ].join('\n'), { mode: 0o755 });
  return file;
}

before(() => {
  if (skip) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-elevation-'));
  chmodSync(dir, 0o755);
  launcher = installApp();
  pkexec = standInPkexec(plantUserTraps());
  image = path.join(dir, 'card.img');
  // Random throughout: every block holds data, so every byte of the card is written.
  const bytes = randomBytes(8 * MiB);
  bytes[510] = 0x55;
  bytes[511] = 0xaa;
  writeFileSync(image, bytes);
  execFileSync('xz', ['-k', '-1', '--check=crc64', image]);
  xzImage = `${image}.xz`;
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function elevatedCommand(): WriterCommand {
  const traps = path.join(dir, 'user');
  return writerCommand(true, { platform: 'linux', root: false, env: { PATH: `${traps}/bin:/usr/bin:/bin`, FIOT_WRITER_ENTRY: `${traps}/evil.cjs`, HOME: traps }, launcher, pkexec });
}

const isMounted = (mountpoint: string) => readFileSync('/proc/self/mounts', 'utf8').includes(` ${mountpoint} `);

/** A card holding a mounted ext4, unmounted (if still mounted) and detached afterwards. */
async function withMountedCard(body: (card: ReturnType<typeof createLoopDisk>, mountpoint: string) => Promise<void>): Promise<void> {
  const card = createLoopDisk(16 * MiB, 'fiot-elevation-card-');
  const mountpoint = path.join(card.dir, 'mnt');
  try {
    execFileSync('mkfs.ext4', ['-q', card.device], { stdio: 'ignore' });
    mkdirSync(mountpoint);
    execFileSync('mount', [card.device, mountpoint]);
    await body(card, mountpoint);
  } finally {
    if (isMounted(mountpoint)) execFileSync('umount', [mountpoint]);
    card.dispose();
  }
}

describe('an elevated writer runs only what the installed app fixes', { skip }, () => {
  it('writes a mounted card from an .xz with the system’s xz and umount; the user’s xz, umount, NODE_OPTIONS and FIOT_WRITER_ENTRY never run', { timeout: 120_000 }, () =>
    withMountedCard(async (card, mountpoint) => {
      const command = elevatedCommand();
      assert.deepEqual([command.command, ...command.args], [pkexec, launcher]);
      const job: WriterJob = { source: xzImage, targets: [{ device: card.device }], verify: true, unmountConfirmed: true };
      const result = await spawnWriter(job, command, () => undefined).result;

      assert.equal(readFileSync(path.join(dir, 'pkexec-args'), 'utf8'), `${launcher}\n`, 'pkexec was asked to run the launcher, nothing else');
      assert.deepEqual(readdirMarks(), [], 'none of the user’s programs or scripts ran');
      assert.equal(result.ok, true, JSON.stringify(result.error ?? result.targets));
      assert.match(result.decoder, /^\/(usr\/)?bin\/xz /, 'decoded by the system’s xz, by absolute path');
      assert.equal(sha256(readRange(card.device, 0, 8 * MiB)), sha256(readFileSync(image)), 'the card holds the image');
      assert.ok(!isMounted(mountpoint), 'the system’s umount unmounted the card');
    }));

  it('refuses a mounted card when unmounting was not confirmed: it stays mounted, not a sector written (issue 18, item 1)', { timeout: 120_000 }, () =>
    withMountedCard(async (card, mountpoint) => {
      writeFileSync(path.join(mountpoint, 'notes.txt'), 'kept\n');
      execFileSync('sync');
      const written = card.sectorsWritten();
      const result = await spawnWriter({ source: xzImage, targets: [{ device: card.device }], verify: true }, elevatedCommand(), () => undefined).result;
      assert.equal(result.ok, false);
      assert.equal(result.targets[0]?.error?.code, 'TARGET_BUSY', JSON.stringify(result.targets[0]?.error));
      assert.match(result.targets[0]!.error!.message, /is mounted \(.*mnt\), and unmounting it was not confirmed: nothing was written/);
      assert.ok(isMounted(mountpoint), 'still mounted');
      assert.equal(readFileSync(path.join(mountpoint, 'notes.txt'), 'utf8'), 'kept\n');
      assert.equal(card.sectorsWritten(), written, 'not a sector written');
    }));

  it('runs nothing others can change: a writer made world-writable is refused by the app and, run as root, by the launcher itself (issue 18, item 8)', { timeout: 120_000 }, async () => {
    const resources = path.dirname(launcher);
    const writer = path.join(resources, 'app.asar.unpacked', 'dist', 'writer', 'main.cjs');
    const addon = path.join(resources, 'app.asar.unpacked', 'native', 'addon.node');
    const original = readFileSync(writer);
    const ran = path.join(marks(), 'payload');
    const card = createLoopDisk(16 * MiB, 'fiot-elevation-card-');
    // pkexec on the launcher, as anyone allowed to run it can ask without the app.
    const direct: WriterCommand = { command: pkexec, args: [launcher], env: { PATH: SYSTEM_PATH }, elevated: true };
    const job: WriterJob = { source: image, targets: [{ device: card.device }], verify: true };
    const attempts: Array<[string, () => void, () => void, RegExp]> = [
      // What another user would put in a writer they can change: code that leaves a mark.
      ['the writer', () => (writeFileSync(writer, `require('node:fs').writeFileSync(${JSON.stringify(ran)}, String(process.getuid()));\n`), chmodSync(writer, 0o666)),
        () => (writeFileSync(writer, original), chmodSync(writer, 0o644)), /main\.cjs can be changed by users other than root/],
      ['a native module', () => (mkdirSync(path.dirname(addon)), writeFileSync(addon, ''), chownSync(addon, 65534, 65534)),
        () => rmSync(path.dirname(addon), { recursive: true }), /addon\.node (belongs to user 65534|can be changed by users other than root)/],
      ['the app folder', () => chmodSync(path.dirname(resources), 0o777), () => chmodSync(path.dirname(resources), 0o755), /Fedora IoT Flasher (belongs|can be changed)/],
    ];
    try {
      for (const [what, change, undo, why] of attempts) {
        change();
        try {
          assert.throws(() => elevatedCommand(), (error: unknown) => error instanceof FiotError && error.code === 'PERMISSION_DENIED' && why.test(error.message), `${what}: the app refuses before asking`);
          const result = await spawnWriter(job, direct, () => undefined).result.then(() => assert.fail(`${what}: the launcher ran it`), (error: unknown) => error);
          assert.ok(result instanceof FiotError && result.code === 'PERMISSION_DENIED', `${what}: ${String(result)}`);
          assert.match(result.message, /can be changed by users other than root, so it is not run as root/, what);
          assert.equal(existsSync(ran), false, `${what}: the payload never ran`);
          assert.equal(card.sectorsWritten(), 0, `${what}: not a sector written`);
        } finally {
          undo();
        }
      }
      assert.deepEqual(readdirMarks(), [], 'nothing of the user\'s ran');
    } finally {
      card.dispose();
    }
  });

  it('refuses an image file as a target, before writing it', async () => {
    const out = path.join(dir, 'user', 'out.img');
    const result = await spawnWriter({ source: image, targets: [{ device: out }], verify: true }, elevatedCommand(), () => undefined).result;
    assert.equal(result.ok, false);
    assert.match(result.targets[0]?.error?.message ?? '', /administrator rights, which are for drives only/);
    assert.equal(existsSync(out), false, 'the file was not created');
  });
});

function readdirMarks(): string[] {
  return execFileSync('ls', ['-A', marks()], { encoding: 'utf8' }).split('\n').filter(Boolean);
}
