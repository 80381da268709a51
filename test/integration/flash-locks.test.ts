/**
 * The job cap and the lock per target, with real jobs writing real files: a job past the cap is
 * refused at once and the next one runs once a slot is free; an image file being written is
 * locked under every name (a hard link to it too).
 */
import assert from 'node:assert/strict';
import { linkSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Drive } from '../../shared/domain/drive';
import { FlashLocks } from '../../electron/core/flash/flash-locks';
import { startFlash } from '../../electron/core/flash/job';
import { writeDiskImage } from '../helpers/disk-image';

const MiB = 1024 * 1024;
let dir = '';
let image = '';

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-locks-'));
  image = path.join(dir, 'fedora.raw');
  writeDiskImage(image, 16 * MiB);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a job past the cap is refused at once; once a job ends, the next one runs', async () => {
  const locks = new FlashLocks(1);
  const first = startFlash({ source: image, targets: [path.join(dir, 'one.img')] }, { locks });
  assert.throws(() => startFlash({ source: image, targets: [path.join(dir, 'two.img')] }, { locks }), (e: Error & { code?: string }) => e.code === 'TOO_MANY_JOBS' && /at most 1 at once/.test(e.message));
  assert.equal((await first.result).ok, true);
  const next = await startFlash({ source: image, targets: [path.join(dir, 'two.img')] }, { locks }).result;
  assert.equal(next.ok, true, JSON.stringify(next.error));
  assert.ok(readFileSync(path.join(dir, 'two.img')).equals(readFileSync(image)));
});

test('an image file is locked under every name while a job holds it', () => {
  const locks = new FlashLocks();
  const file = path.join(dir, 'locked.img');
  writeFileSync(file, readFileSync(image));
  const link = path.join(dir, 'locked-link.img');
  linkSync(file, link);
  const asDrive = (device: string): Drive => ({ device, description: '', size: null, isSystem: false, isRemovable: false, isReadOnly: false, isVirtual: false, kind: 'file', mountpoints: [] });
  const unlock = locks.lockTargets([asDrive(file)]);
  for (const name of [file, link, path.join(dir, '.', 'locked.img')]) {
    assert.throws(() => locks.lockTargets([asDrive(name)]), (e: Error & { code?: string }) => e.code === 'TARGET_BUSY', name);
  }
  unlock();
  locks.lockTargets([asDrive(link)])();
});
