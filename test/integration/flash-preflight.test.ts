/**
 * Bad input stops in the app's own process, before a writer starts or a byte is written: each
 * case gets its code and a message a person can act on, and the job result is a failure.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFlash, type FlashDeps } from '../../electron/core/flash/job';
import type { FlashRequest } from '../../shared/domain/flash';
import { createLoopDisk } from '../helpers/loop';
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

  test('the system drive, a missing device, the source itself as target, a target named twice', async () => {
    assert.equal((await refused({ source: image, targets: ['/dev/vda'] })).code, 'TARGET_SYSTEM');
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
