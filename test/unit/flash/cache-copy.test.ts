/**
 * The cache copy at both ends, on real files: the core opens one only for a verified flash by an
 * unprivileged writer (a writer pkexec starts runs as root and must not write into a user's
 * folder); the writer writes what it is given at its offsets, reports the ranges and the digest
 * it is handed, and gives the copy up (null) when ranges come out of image order, when it would
 * outgrow its room, or when the descriptor is not the new empty file the core creates.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { openCacheCopy } from '../../../electron/core/flash/cache-copy';
import { localFileResolver } from '../../../electron/core/image-source';
import type { WriterCommand } from '../../../electron/core/flash/writer-command';
import { ImageCache } from '../../../electron/core/images/cache/image-cache';
import { localCopyResolver } from '../../../electron/core/images/local-copy';
import { CacheCopy } from '../../../electron/writer/cache-copy';
import { alignedBuffer } from '../../../electron/writer/target-io';
import type { StreamOutcome } from '../../../electron/writer/write-stream';
import { commandsSkipReason } from '../../helpers/system';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-cache-copy-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const KiB = 1024;
const DIGEST = 'ab'.repeat(32);

function command(elevated: boolean): WriterCommand {
  return { command: elevated ? '/usr/bin/pkexec' : process.execPath, args: [], env: {}, elevated };
}

test('the core opens a copy for a verified flash by an unprivileged writer only', { skip: commandsSkipReason('xz') ?? false }, async () => {
  const image = path.join(dir, 'image.raw');
  writeFileSync(image, Buffer.alloc(256 * KiB, 7));
  assert.equal(spawnSync('xz', ['-0', '-k', image]).status, 0);
  const cache = new ImageCache(path.join(dir, 'cache'));
  const resolve = localCopyResolver(localFileResolver, cache, () => Promise.reject(new Error('nothing is cached yet')));
  const prepared = (await resolve(`${image}.xz`))!;
  assert.ok(prepared.cacheCopy, 'a compressed local file the cache does not hold gets an offer');
  assert.equal((await resolve(image))?.cacheCopy, undefined, 'a raw file needs no copy');

  assert.equal(await openCacheCopy(prepared, command(true), true), null, 'pkexec: no copy');
  assert.equal(await openCacheCopy(prepared, command(false), false), null, '--no-verify: no copy');
  assert.equal(existsSync(path.join(dir, 'cache')), false, 'nothing was created in the cache');

  // The cache holds no copy of this length: the file is not hashed before the flash, and its copy
  // is made among the downloads in progress until the flash's own hash names its entry.
  assert.equal(prepared.verifiedSha256, undefined, 'not hashed up front');
  const opened = await openCacheCopy(prepared, command(false), true);
  assert.ok(opened && opened.maxBytes > 0);
  assert.deepEqual(readdirSync(path.join(dir, 'cache', 'downloads')).map((name) => /^local-[0-9a-f]{16}\.part$/.test(name)), [true]);
  closeSync(opened.fd);
  await opened.offer.discard();
  assert.deepEqual(readdirSync(path.join(dir, 'cache', 'downloads')), [], 'discarded: the part file is gone');
});

function emptyFile(name: string): { file: string; fd: number } {
  const file = path.join(dir, name);
  return { file, fd: openSync(file, 'wx') };
}

/** A stream's outcome: a head held back in memory, body ranges written through the copy. */
function outcome(head: Buffer, body: Array<{ offset: number; length: number }>): StreamOutcome {
  return { imageBytes: 0, body, head: { data: head, ranges: [{ offset: 0, length: head.length }], backup: null }, writtenSha256: DIGEST, writtenDigest: '' };
}

test('the writer writes the head and the body at their offsets and reports ranges and digest', async () => {
  const { file, fd } = emptyFile('whole.raw');
  const copy = CacheCopy.open({ descriptor: fd, maxBytes: 1 << 20 }, false)!;
  assert.ok(copy);
  await copy.write(Buffer.alloc(8 * KiB, 2), 64 * KiB);
  await copy.write(Buffer.alloc(4 * KiB, 3), 72 * KiB);
  const report = await copy.finish(outcome(Buffer.alloc(4 * KiB, 1), [{ offset: 64 * KiB, length: 12 * KiB }]), 128 * KiB);
  await copy.close();
  assert.deepEqual(report, { imageSize: 128 * KiB, dataRanges: [{ offset: 0, length: 4 * KiB }, { offset: 64 * KiB, length: 12 * KiB }], dataBytes: 16 * KiB, dataSha256: DIGEST });
  const bytes = readFileSync(file);
  assert.equal(bytes.length, 128 * KiB);
  assert.ok(bytes.subarray(0, 4 * KiB).every((b) => b === 1));
  assert.ok(bytes.subarray(4 * KiB, 64 * KiB).every((b) => b === 0), 'unwritten space reads as zeros');
  assert.ok(bytes.subarray(64 * KiB, 72 * KiB).every((b) => b === 2));
  assert.ok(bytes.subarray(72 * KiB, 76 * KiB).every((b) => b === 3));
  assert.ok(statSync(file).blocks * 512 < 64 * KiB, 'the gap is a hole');
});

test('through O_DIRECT, an image that ends inside a 4 KiB unit is written whole and cut to its length', async () => {
  const file = path.join(dir, 'direct.raw');
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_DIRECT);
  const copy = CacheCopy.open({ descriptor: fd, maxBytes: 1 << 20 }, false)!;
  // A staging slot as the writer's are: aligned, with room past the range.
  const slot = alignedBuffer(8 * KiB).fill(9);
  await copy.write(slot.subarray(0, 5000), 64 * KiB);
  const head = alignedBuffer(4 * KiB).fill(1);
  const report = await copy.finish(outcome(head, [{ offset: 64 * KiB, length: 5000 }]), 64 * KiB + 5000);
  await copy.close();
  assert.equal(report?.dataBytes, 4 * KiB + 5000);
  const bytes = readFileSync(file);
  assert.equal(bytes.length, 64 * KiB + 5000);
  assert.ok(bytes.subarray(0, 4 * KiB).every((b) => b === 1) && bytes.subarray(64 * KiB).every((b) => b === 9));
});

test('the writer gives a copy up: out of image order, past its room, or not a new empty file', async () => {
  const head = Buffer.alloc(4 * KiB, 1);
  const unordered = emptyFile('unordered.raw');
  const backwards = CacheCopy.open({ descriptor: unordered.fd, maxBytes: 1 << 20 }, false)!;
  await backwards.write(Buffer.alloc(4 * KiB), 64 * KiB);
  await backwards.write(Buffer.alloc(4 * KiB), 32 * KiB);
  assert.equal(await backwards.finish(outcome(head, []), 128 * KiB), null);
  await backwards.close();

  const small = emptyFile('small.raw');
  const full = CacheCopy.open({ descriptor: small.fd, maxBytes: 6 * KiB }, false)!;
  await full.write(Buffer.alloc(4 * KiB), 64 * KiB);
  assert.equal(await full.finish(outcome(head, []), 128 * KiB), null, '8 KiB do not fit in 6');
  await full.close();

  const used = emptyFile('used.raw');
  writeFileSync(used.file, 'not empty');
  assert.equal(CacheCopy.open({ descriptor: used.fd, maxBytes: 1 << 20 }, false), null);
  const fresh = emptyFile('elevated.raw');
  assert.equal(CacheCopy.open({ descriptor: fresh.fd, maxBytes: 1 << 20 }, true), null, 'an elevated writer takes none');
  closeSync(used.fd);
  closeSync(fresh.fd);
});
