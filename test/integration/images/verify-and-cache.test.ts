/**
 * What may enter the cache: only files that match their sha256 and, when Fedora publishes a signed
 * CHECKSUM file next to them, whose signature checks out against a trusted key. Plus the cache's
 * own promises: one transfer for concurrent requests, LRU pruning under a size limit, no entry
 * after a full disk.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { FiotError } from '../../../shared/errors';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { makeTestKey, type TestKey } from '../../helpers/pgp';
import { isRoot } from '../../helpers/system';
import { randomImage, tempImages, type TempImages } from './setup';

const MiB = 1024 * 1024;
const IMAGE = 'Fedora-IoT-raw-42-20250414.0.aarch64.raw.xz';
const CHECKSUM = 'Fedora-IoT-42-aarch64-20250414.0-CHECKSUM';
let server: ImageServer;
let trusted: TestKey;
let stranger: TestKey;
const temps: TempImages[] = [];

before(async () => {
  server = await startImageServer();
  [trusted, stranger] = await Promise.all([makeTestKey('Trusted'), makeTestKey('Stranger')]);
});
after(async () => {
  await server.close();
  temps.forEach((t) => t.dispose());
});

function setup(): TempImages {
  const t = tempImages();
  temps.push(t);
  writeFileSync(path.join(t.keysDir, 'trusted.asc'), trusted.publicArmored);
  server.requests.length = 0;
  return t;
}

function publish(dir: string, body: Buffer, checksumText: string): string {
  server.files.set(`/${dir}/${IMAGE}`, { body });
  server.files.set(`/${dir}/${CHECKSUM}`, { body: Buffer.from(checksumText) });
  return server.url(`/${dir}/${IMAGE}`);
}

function cacheFiles(t: TempImages): string[] {
  const objects = path.join(t.cacheDir, 'objects');
  return existsSync(objects) ? readdirSync(objects) : [];
}

test('a CHECKSUM file signed by a trusted key verifies the image', async () => {
  const t = setup();
  const image = randomImage(MiB);
  const url = publish('good', image.body, await trusted.clearSign(`# Fedora-IoT 42\nSHA256 (${IMAGE}) = ${image.sha256}\n`));
  const entry = await t.service().fetch(url);
  assert.equal(entry.verification.checksum, 'signed');
  assert.match(entry.verification.signature!.signer, /Trusted/);
  assert.equal(entry.sha256, image.sha256);
  assert.ok(server.requests.some((r) => r.path.endsWith(CHECKSUM)), 'fetched the CHECKSUM next to the image');
});

test('a CHECKSUM signed by an untrusted key fails with SIGNATURE_INVALID and caches nothing', async () => {
  const t = setup();
  const image = randomImage(MiB);
  const url = publish('stranger', image.body, await stranger.clearSign(`SHA256 (${IMAGE}) = ${image.sha256}\n`));
  await assert.rejects(t.service().fetch(url), (e: FiotError) => e.code === 'SIGNATURE_INVALID');
  assert.deepEqual(await t.service().cache.list(), []);
  assert.deepEqual(cacheFiles(t), []);
  assert.deepEqual(readdirSync(path.join(t.cacheDir, 'downloads')).filter((n) => n.includes('.part')), [], 'the untrusted download is deleted');
});

test('a signed CHECKSUM whose text was altered fails with SIGNATURE_INVALID', async () => {
  const t = setup();
  const image = randomImage(MiB);
  const signed = await trusted.clearSign(`SHA256 (${IMAGE}) = ${'0'.repeat(64)}\n`);
  const tampered = signed.replace('0'.repeat(64), image.sha256);
  const url = publish('tampered', image.body, tampered);
  await assert.rejects(t.service().fetch(url), (e: FiotError) => e.code === 'SIGNATURE_INVALID');
  assert.deepEqual(cacheFiles(t), []);
});

test('an image that does not match its signed CHECKSUM stops with CHECKSUM_MISMATCH', async () => {
  const t = setup();
  const image = randomImage(MiB);
  const url = publish('mismatch', image.body, await trusted.clearSign(`SHA256 (${IMAGE}) = ${'ab'.repeat(32)}\n`));
  await assert.rejects(t.service().fetch(url), (e: FiotError) => e.code === 'CHECKSUM_MISMATCH' && /signed CHECKSUM/.test(e.message));
  assert.deepEqual(await t.service().cache.list(), []);
  assert.deepEqual(cacheFiles(t), []);
});

test('a wrong --sha256 stops with CHECKSUM_MISMATCH, leaves nothing cached, and a retry downloads again', async () => {
  const t = setup();
  const image = randomImage(MiB);
  server.files.set('/plain/img.raw', { body: image.body });
  const url = server.url('/plain/img.raw');
  await assert.rejects(t.service().fetch(url, { sha256: 'cd'.repeat(32) }), (e: FiotError) => e.code === 'CHECKSUM_MISMATCH' && e.message.includes(image.sha256));
  assert.deepEqual(await t.service().cache.list(), []);
  assert.deepEqual(cacheFiles(t), []);
  const entry = await t.service().fetch(url, { sha256: image.sha256 });
  assert.equal(entry.sha256, image.sha256);
  assert.equal(server.transfers('/plain/img.raw').length, 2, 'the bad bytes were not reused');
});

test('two concurrent downloads of the same image make one transfer and both succeed', async () => {
  const t = setup();
  const image = randomImage(2 * MiB);
  server.files.set('/concurrent.raw', { body: image.body });
  server.faults.throttle = { bytes: 128 * 1024, ms: 10 };
  try {
    const url = server.url('/concurrent.raw');
    const [a, b] = await Promise.all([t.service().fetch(url), t.service().fetch(url)]);
    assert.equal(a.sha256, image.sha256);
    assert.equal(b.sha256, image.sha256);
    assert.equal(server.transfers('/concurrent.raw').length, 1);
    assert.equal((await t.service().cache.list()).length, 1);
  } finally {
    server.faults.throttle = undefined;
  }
});

test('a size limit evicts the least recently used images; rm and prune', async () => {
  const t = setup();
  const images = [randomImage(MiB), randomImage(MiB), randomImage(MiB)];
  images.forEach((img, i) => server.files.set(`/lru/${i}.raw`, { body: img.body }));
  // Room for two 1 MiB images (plus a little), not three.
  const svc = t.service({ limitBytes: 2.5 * MiB });
  await svc.fetch(server.url('/lru/0.raw'));
  await svc.fetch(server.url('/lru/1.raw'));
  await svc.fetch(server.url('/lru/0.raw')); // used again: now 1 is the oldest
  await svc.fetch(server.url('/lru/2.raw'));
  const left = (await svc.cache.list()).map((e) => e.sha256).sort();
  assert.deepEqual(left, [images[0]!.sha256, images[2]!.sha256].sort());
  assert.ok(!cacheFiles(t).some((f) => f.startsWith(images[1]!.sha256)), 'the evicted file is gone');
  const removed = await svc.cache.remove(images[0]!.sha256.slice(0, 12));
  assert.equal(removed.length, 1);
  await assert.rejects(svc.cache.remove('nothing-like-this'), (e: FiotError) => e.code === 'NOT_FOUND');
  const pruned = await svc.cache.prune(0);
  assert.equal(pruned.removed.length, 1);
  assert.deepEqual(await svc.cache.list(), []);
  assert.deepEqual(cacheFiles(t), []);
});

test('a stale lock from a crashed process is broken', async () => {
  const t = setup();
  const image = randomImage(MiB);
  server.files.set('/stale.raw', { body: image.body });
  mkdirSync(t.cacheDir, { recursive: true });
  // A dead pid: a child that has already exited.
  const deadPid = Number(execFileSync('sh', ['-c', 'sh -c "echo \\$\\$"'], { encoding: 'utf8' }).trim());
  writeFileSync(path.join(t.cacheDir, 'index.lock'), JSON.stringify({ pid: deadPid, host: (await import('node:os')).hostname(), token: 'crashed' }));
  const entry = await t.service().fetch(server.url('/stale.raw'), { sha256: image.sha256 });
  assert.equal(entry.sha256, image.sha256);
});

test('a full disk during download fails with DISK_FULL and leaves the index untouched', { skip: isRoot() ? false : 'needs root to mount a small tmpfs (CI runs as root)' }, async () => {
  const t = setup();
  const mount = path.join(t.root, 'small');
  mkdirSync(mount);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mount]);
  try {
    const cacheDir = path.join(mount, 'cache');
    const small = randomImage(MiB);
    const big = randomImage(12 * MiB);
    server.files.set('/disk/small.raw', { body: small.body });
    server.files.set('/disk/big.raw', { body: big.body });
    const svc = t.service({ cacheDir });
    await svc.fetch(server.url('/disk/small.raw'));
    const indexBefore = readFileSync(path.join(cacheDir, 'index.json'), 'utf8');
    await assert.rejects(svc.fetch(server.url('/disk/big.raw'), { sha256: big.sha256 }), (e: FiotError) => e.code === 'DISK_FULL' && /resumes/.test(e.message));
    assert.equal(readFileSync(path.join(cacheDir, 'index.json'), 'utf8'), indexBefore);
    assert.deepEqual((await svc.cache.list()).map((e) => e.sha256), [small.sha256]);
    assert.ok(!readdirSync(path.join(cacheDir, 'objects')).some((f) => f.startsWith(big.sha256)));
  } finally {
    execFileSync('umount', [mount]);
  }
});
