/**
 * Bad input stops in the app's own process, before a writer starts or a byte is written: each
 * case gets its code and a message a person can act on, and the job result is a failure.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveTarget } from '../../electron/core/drives/resolve-target';
import { startFlash, type FlashDeps } from '../../electron/core/flash/job';
import type { FlashRequest } from '../../shared/domain/flash';
import { createLoopDisk } from '../helpers/loop';
import { createStandInSystemDisk, standInSkipReason } from '../helpers/stand-in-system-disk';
import { loopSkipReason } from '../helpers/system';

const MiB = 1024 * 1024;
let dir = '';
let image = '';

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-preflight-'));
  image = path.join(dir, 'disk.img');
  const head = Buffer.alloc(MiB, 0x11);
  head[510] = 0x55;
  head[511] = 0xaa;
  writeFileSync(image, head);
  truncateSync(image, 8 * MiB);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a job that must fail before writing; no writer may be started. */
async function refused(request: FlashRequest, deps: FlashDeps = {}) {
  let writerStarted = false;
  const result = await startFlash(request, {
    ...deps,
    writerCommand: () => {
      writerStarted = true;
      throw new Error('no writer should start');
    },
  }).result;
  assert.equal(writerStarted, false, 'refused before the writer started');
  assert.equal(result.ok, false);
  assert.ok(result.error, 'the job carries its reason');
  assert.ok(result.targets.every((t) => t.state === 'failed' && t.error?.code === result.error?.code));
  assert.ok(result.error.message.length > 10 && (result.error.hint ?? '').length > 10, 'a message and a hint to act on');
  return result.error;
}

describe('flash refusals before writing', () => {
  test('a missing file, a folder, an unknown file, a URL nothing can fetch', async () => {
    const out = path.join(dir, 'out.img');
    assert.equal((await refused({ source: path.join(dir, 'missing.raw.xz'), targets: [out] })).code, 'SOURCE_NOT_FOUND');
    assert.equal((await refused({ source: dir, targets: [out] })).code, 'SOURCE_UNREADABLE');
    const notes = path.join(dir, 'notes.txt');
    writeFileSync(notes, 'shopping list');
    assert.equal((await refused({ source: notes, targets: [out] })).code, 'SOURCE_UNKNOWN_FORMAT');
    assert.equal((await refused({ source: 'https://example.invalid/image.raw.xz', targets: [out] })).code, 'SOURCE_NOT_FOUND');
  });

  test('a checksum that does not match', async () => {
    const error = await refused({ source: image, targets: [path.join(dir, 'out.img')], sha256: 'ab'.repeat(32) });
    assert.equal(error.code, 'CHECKSUM_MISMATCH');
  });

  test('a system disk, by any of its names, is refused before the writer starts', { skip: standInSkipReason() ?? false, timeout: 60_000 }, async () => {
    const system = await createStandInSystemDisk();
    try {
      const before = system.sha256();
      // The core reads the mount table of the namespace where the stand-in holds /srv, as if it ran there.
      const resolveInNamespace = (target: string) => resolveTarget(target, { mountsTable: system.mountsTable() });
      const expected = { disk: 'TARGET_SYSTEM', partition: 'INVALID_INPUT', alias: 'TARGET_SYSTEM', link: 'TARGET_SYSTEM' };
      for (const [name, device] of Object.entries(system.names)) {
        const error = await refused({ source: image, targets: [device] }, { resolveTarget: resolveInNamespace });
        assert.equal(error.code, expected[name as keyof typeof expected], `${name}: ${error.message}`);
      }
      assert.equal(system.sectorsWritten(), 0);
      assert.equal(system.sha256(), before);
    } finally {
      await system.dispose();
    }
  });

  test('a missing device, the source itself as target, a target named twice', async () => {
    assert.equal((await refused({ source: image, targets: ['/dev/sdz-not-there'] })).code, 'TARGET_NOT_FOUND');
    assert.equal((await refused({ source: image, targets: [image] })).code, 'TARGET_IS_SOURCE');
    const out = path.join(dir, 'twice.img');
    assert.equal((await refused({ source: image, targets: [out, out] })).code, 'INVALID_INPUT');
  });

  test('a loop device over the image being written is the source', { skip: loopSkipReason() ?? false }, async () => {
    const card = createLoopDisk(16 * MiB, 'fiot-preflight-card-');
    try {
      const before = createHash('sha256').update(readFileSync(card.backingFile)).digest('hex');
      assert.equal((await refused({ source: card.backingFile, targets: [card.device] })).code, 'TARGET_IS_SOURCE');
      assert.equal(card.sectorsWritten(), 0);
      assert.equal(createHash('sha256').update(readFileSync(card.backingFile)).digest('hex'), before);
    } finally {
      card.dispose();
    }
  });

  test('a drive and an image file in one run that needs pkexec: refused, since a root writer never writes files', { skip: loopSkipReason() ?? false }, async () => {
    const card = createLoopDisk(16 * MiB, 'fiot-preflight-mixed-');
    const out = path.join(dir, 'mixed.img');
    try {
      let started = false;
      const elevated = () => ({ command: '/bin/false', args: [], env: {}, elevated: true });
      const result = await startFlash({ source: image, targets: [card.device, out] }, { writerCommand: () => ((started = true), elevated()) }).result;
      assert.ok(started, 'it got as far as choosing how to start the writer');
      assert.equal(result.error?.code, 'INVALID_INPUT');
      assert.match(result.error?.message ?? '', /Drives and image files cannot be written in one run/);
      assert.match(result.error?.hint ?? '', /two separate runs/);
      assert.equal(card.sectorsWritten(), 0);
      assert.equal(existsSync(out), false);
    } finally {
      card.dispose();
    }
  });

  test('provisioning asked for an image that is not Fedora IoT', async () => {
    const error = await refused({ source: image, targets: [path.join(dir, 'out.img')], provisioning: { hostname: 'pi' } });
    assert.equal(error.code, 'NOT_FEDORA_IOT');
  });

  test('the checksum, when it matches, is reported with the result', async () => {
    const sha256 = createHash('sha256').update(readFileSync(image)).digest('hex');
    const result = await startFlash({ source: image, targets: [path.join(dir, 'ok.img')], sha256 }).result;
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.equal(result.sourceSha256, sha256);
  });
});
