/**
 * "The target holds the source" decided by identity, not path text: a hard link to the image, a
 * symlink to it, a loop device over a hard link of it (one whose name ends in a space, one deleted
 * since it was attached), and a second loop device over the file whose filesystem holds the image
 * (issue 18, item 2) are each refused before anything is
 * written, by the CLI, by the core's preflight and by the writer's own re-check, and the image's
 * bytes are unchanged. Real files and real loop devices.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { startFlash } from '../../electron/core/flash/job';
import { inspectSource } from '../../electron/core/image-source';
import { prepareTargets } from '../../electron/writer/prepare-targets';
import { createSlot } from '../../electron/writer/slots';
import { resultLine } from '../helpers/cli-json';
import { writeDiskImage } from '../helpers/disk-image';
import { attachLoop, createLoopDisk } from '../helpers/loop';
import { loopSkipReason } from '../helpers/system';

const root = path.resolve(import.meta.dirname, '../..');
const MiB = 1024 * 1024;
let dir = '';
let image = '';
let imageSha256 = '';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-identity-'));
  image = path.join(dir, 'fedora.raw');
  writeDiskImage(image, 4 * MiB);
  imageSha256 = sha256(image);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The three ways a person (or a hostile client) names the image under another name. */
function otherNames(): Array<{ what: string; target: string; code: string; dispose(): void; written(): number }> {
  const hardLink = path.join(dir, `hard-${randomBytes(4).toString('hex')}.img`);
  linkSync(image, hardLink);
  const softLink = path.join(dir, `soft-${randomBytes(4).toString('hex')}.img`);
  symlinkSync(image, softLink);
  // The loop device is attached over a second hard link: its backing_file names neither the image nor the first link.
  const loopLink = path.join(dir, `loop-${randomBytes(4).toString('hex')}.img`);
  linkSync(image, loopLink);
  const loop = attachLoop(loopLink);
  // Issue 18, item 2: sysfs shows backing files as path text, trimmed by the old check ("e.img " became "e.img")...
  const spacedLink = path.join(dir, `spaced-${randomBytes(4).toString('hex')}.img `);
  linkSync(image, spacedLink);
  const spacedLoop = attachLoop(spacedLink);
  // ...and as "<name> (deleted)" once the name it was attached by is gone, while the bytes live on as the image.
  const goneLink = path.join(dir, `gone-${randomBytes(4).toString('hex')}.img`);
  linkSync(image, goneLink);
  const goneLoop = attachLoop(goneLink);
  rmSync(goneLink);
  return [
    { what: 'a hard link', target: hardLink, code: 'TARGET_IS_SOURCE', dispose: () => rmSync(hardLink), written: () => 0 },
    { what: 'a symlink', target: softLink, code: 'INVALID_INPUT', dispose: () => rmSync(softLink), written: () => 0 },
    { what: 'a loop device over a hard link', target: loop.device, code: 'TARGET_IS_SOURCE', dispose: () => (loop.detach(), rmSync(loopLink)), written: () => loop.sectorsWritten() },
    { what: 'a loop device over a link whose name ends in a space', target: spacedLoop.device, code: 'TARGET_IS_SOURCE', dispose: () => (spacedLoop.detach(), rmSync(spacedLink)), written: () => spacedLoop.sectorsWritten() },
    { what: 'a loop device over a link deleted since', target: goneLoop.device, code: 'TARGET_IS_SOURCE', dispose: () => goneLoop.detach(), written: () => goneLoop.sectorsWritten() },
  ];
}

describe('a target that is the source under another name', { skip: loopSkipReason() ?? false }, () => {
  it('is refused by the core before a writer starts', async () => {
    const names = otherNames();
    try {
      for (const name of names) {
        let writerStarted = false;
        const result = await startFlash({ source: image, targets: [name.target] }, { writerCommand: () => ((writerStarted = true), assert.fail('no writer may start')) }).result;
        assert.equal(result.ok, false, name.what);
        assert.equal(result.error?.code, name.code, `${name.what}: ${result.error?.message}`);
        assert.equal(writerStarted, false, name.what);
        assert.equal(name.written(), 0, `${name.what}: no sector written`);
        assert.equal(sha256(image), imageSha256, `${name.what}: the image is unchanged`);
      }
    } finally {
      for (const name of names) name.dispose();
    }
  });

  it('is refused by fiot-flash with exit status 1 and the reason', () => {
    const names = otherNames();
    try {
      for (const name of names) {
        const run = spawnSync(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), 'flash', image, '--drive', name.target, '--yes', '--json'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
        assert.equal(run.status, 1, `${name.what}: ${run.stderr}`);
        const result = resultLine(run.stdout);
        assert.equal(result.error?.code, name.code, name.what);
        if (name.code === 'TARGET_IS_SOURCE') assert.match(result.error!.message, /holds the image being written/);
        assert.equal(name.written(), 0, `${name.what}: no sector written`);
        assert.equal(sha256(image), imageSha256, `${name.what}: the image is unchanged`);
      }
    } finally {
      for (const name of names) name.dispose();
    }
  });

  it('is refused by the writer’s own re-check, which opens nothing', async () => {
    const source = await inspectSource(image);
    const names = otherNames();
    try {
      for (const name of names) {
        const slot = createSlot(name.target, undefined);
        await prepareTargets([slot], source);
        assert.equal(slot.state, 'failed', name.what);
        assert.equal(slot.error?.code, name.code, name.what);
        assert.equal(slot.io, null, `${name.what}: never opened`);
        assert.equal(sha256(image), imageSha256, `${name.what}: the image is unchanged`);
      }
    } finally {
      for (const name of names) name.dispose();
    }
  });

  /** A loop disk with an ext4 mounted on it holding a copy of the image; skips where loop devices cannot be mounted. */
  async function withImageOnMountedDisk(t: TestContext, prefix: string, body: (disk: ReturnType<typeof createLoopDisk>, inside: string) => Promise<void>): Promise<void> {
    const disk = createLoopDisk(64 * MiB, prefix);
    const mountpoint = path.join(disk.dir, 'mnt');
    mkdirSync(mountpoint);
    try {
      execFileSync('mkfs.ext4', ['-q', disk.device]);
      try {
        execFileSync('mount', [disk.device, mountpoint], { stdio: 'pipe' });
      } catch (error) {
        t.skip(`this machine cannot mount a loop device: ${(error as Error).message.split('\n')[0]}`);
        return;
      }
      try {
        const inside = path.join(mountpoint, 'fedora.raw');
        copyFileSync(image, inside);
        execFileSync('sync');
        await body(disk, inside);
      } finally {
        execFileSync('umount', [mountpoint]);
      }
    } finally {
      disk.dispose();
    }
  }

  it('is refused when the image lives on a filesystem of the target disk, named through a link from elsewhere', (t) =>
    withImageOnMountedDisk(t, 'fiot-identity-disk-', async (disk, inside) => {
      // No path in common with the mountpoint: only the file's device says where it lives.
      const link = path.join(dir, 'elsewhere.raw');
      symlinkSync(inside, link);
      const result = await startFlash({ source: link, targets: [disk.device] }, { writerCommand: () => assert.fail('no writer may start') }).result;
      // (The mounted filesystem writes its own journal, so the device's write counter proves nothing here.)
      assert.equal(result.error?.code, 'TARGET_IS_SOURCE', result.error?.message);
      assert.equal(sha256(inside), imageSha256);
    }));

  it('is refused through a second loop device over the file whose filesystem holds the image (issue 18, item 2)', (t) =>
    withImageOnMountedDisk(t, 'fiot-identity-twice-', async (disk, inside) => {
      const second = attachLoop(disk.backingFile);
      try {
        const core = await startFlash({ source: inside, targets: [second.device] }, { writerCommand: () => assert.fail('no writer may start') }).result;
        assert.equal(core.error?.code, 'TARGET_IS_SOURCE', core.error?.message);
        const run = spawnSync(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), 'flash', inside, '--drive', second.device, '--yes', '--json'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
        assert.equal(run.status, 1, run.stderr);
        const result = resultLine(run.stdout);
        assert.equal(result.error?.code, 'TARGET_IS_SOURCE');
        assert.match(result.error!.message, /holds the image being written/);
        const slot = createSlot(second.device, undefined);
        await prepareTargets([slot], await inspectSource(inside));
        assert.equal(slot.error?.code, 'TARGET_IS_SOURCE', 'the writer refuses it too');
        assert.equal(slot.io, null);
        assert.equal(second.sectorsWritten(), 0, 'no sector written through the second loop device');
        assert.equal(sha256(inside), imageSha256);
      } finally {
        second.detach();
      }
    }));
});
