/**
 * What may enter the cache: only files that match their sha256 and, for a Fedora image, whose
 * CHECKSUM file is clear-signed by a trusted key (Fedora's shipped ones or the user's) and lists
 * it; anything less is refused before the download unless the user explicitly skips the check,
 * which the entry then records. Catalog entries need a sha256 from somewhere. Plus the cache's own
 * promises: one transfer for concurrent requests, LRU pruning under a size limit, no entry after a
 * full disk.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { FiotError } from '../../../shared/errors';
import { verificationWords } from '../../../shared/domain/verification-words';
import { shippedKeysDir } from '../../../electron/core/images/verify/trusted-keys';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { makeTestKey, type TestKey } from '../../helpers/pgp';
import { rootSkipReason } from '../../helpers/system';
import { FEDORA_CHECKSUM, FEDORA_IMAGE, randomImage, tempImages, type TempImages } from './setup';

const MiB = 1024 * 1024;
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

/** Publishes the image in its own folder, with a CHECKSUM file when given; returns the image URL. */
function publish(dir: string, body: Buffer, checksumText: string | null): string {
  server.files.set(`/${dir}/${FEDORA_IMAGE}`, { body });
  if (checksumText !== null) server.files.set(`/${dir}/${FEDORA_CHECKSUM}`, { body: Buffer.from(checksumText) });
  return server.url(`/${dir}/${FEDORA_IMAGE}`);
}

function cacheFiles(t: TempImages): string[] {
  const objects = path.join(t.cacheDir, 'objects');
  return existsSync(objects) ? readdirSync(objects) : [];
}

test('a CHECKSUM file signed by a trusted key verifies the image', async () => {
  const t = setup();
  const image = randomImage(MiB);
  const url = publish('good', image.body, await trusted.clearSign(`# Fedora-IoT 42\nSHA256 (${FEDORA_IMAGE}) = ${image.sha256}\n`));
  const entry = await t.service().fetch(url);
  assert.equal(entry.verification.checksum, 'signed');
  assert.match(entry.verification.signature!.signer, /Trusted/);
  assert.equal(entry.sha256, image.sha256);
  assert.ok(server.requests.some((r) => r.path.endsWith(FEDORA_CHECKSUM)), 'fetched the CHECKSUM next to the image');
});

test('a signed CHECKSUM whose text was altered fails with SIGNATURE_INVALID', async () => {
  const t = setup();
  const image = randomImage(MiB);
  const signed = await trusted.clearSign(`SHA256 (${FEDORA_IMAGE}) = ${'0'.repeat(64)}\n`);
  const tampered = signed.replace('0'.repeat(64), image.sha256);
  const url = publish('tampered', image.body, tampered);
  await assert.rejects(t.service().fetch(url), (e: FiotError) => e.code === 'SIGNATURE_INVALID');
  assert.deepEqual(cacheFiles(t), []);
});

test('an image that does not match its signed CHECKSUM stops with CHECKSUM_MISMATCH', async () => {
  const t = setup();
  const image = randomImage(MiB);
  const url = publish('mismatch', image.body, await trusted.clearSign(`SHA256 (${FEDORA_IMAGE}) = ${'ab'.repeat(32)}\n`));
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

test('a download the disk has no room for fails with DISK_FULL before it starts, and leaves the index untouched', { skip: rootSkipReason('to mount a small tmpfs') ?? false }, async () => {
  const t = setup();
  const mount = path.join(t.root, 'small');
  mkdirSync(mount);
  // The cache keeps 1 GiB free on its disk: 8 MiB above that is the room a download may take.
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1032m', 'tmpfs', mount]);
  try {
    const cacheDir = path.join(mount, 'cache');
    const small = randomImage(MiB);
    const big = randomImage(12 * MiB);
    server.files.set('/disk/small.raw', { body: small.body });
    server.files.set('/disk/big.raw', { body: big.body });
    const svc = t.service({ cacheDir });
    await svc.fetch(server.url('/disk/small.raw'));
    const indexBefore = readFileSync(path.join(cacheDir, 'index.json'), 'utf8');
    await assert.rejects(svc.fetch(server.url('/disk/big.raw'), { sha256: big.sha256 }), (e: FiotError) => e.code === 'DISK_FULL' && /may take only .* more .* Nothing was downloaded/.test(e.message));
    assert.ok(!readdirSync(path.join(cacheDir, 'downloads')).some((f) => f.endsWith('.part')), 'no part file was begun');
    assert.equal(readFileSync(path.join(cacheDir, 'index.json'), 'utf8'), indexBefore);
    assert.deepEqual((await svc.cache.list()).map((e) => e.sha256), [small.sha256]);
    assert.ok(!readdirSync(path.join(cacheDir, 'objects')).some((f) => f.startsWith(big.sha256)));
  } finally {
    execFileSync('umount', [mount]);
  }
});

const listing = (sha256: string, name = FEDORA_IMAGE) => `# Fedora-IoT 42\nSHA256 (${name}) = ${sha256}\n`;

interface Case {
  name: string;
  code: string;
  checksum(sha256: string): Promise<string | null>;
}

const refusals: Case[] = [
  { name: 'an unsigned CHECKSUM', code: 'SIGNATURE_INVALID', checksum: async (sha) => listing(sha) },
  { name: 'a CHECKSUM signed by a key nobody trusts', code: 'SIGNATURE_INVALID', checksum: (sha) => stranger.clearSign(listing(sha)) },
  { name: 'a signed CHECKSUM that does not list the image', code: 'CHECKSUM_UNLISTED', checksum: (sha) => trusted.clearSign(listing(sha, 'Fedora-IoT-raw-42-20250414.0.x86_64.raw.xz')) },
  { name: 'no CHECKSUM file at all', code: 'SIGNATURE_MISSING', checksum: async () => null },
];

for (const [index, c] of refusals.entries()) {
  test(`${c.name} refuses a Fedora image before downloading it (${c.code}), even with a matching --sha256`, async () => {
    const t = setup();
    const image = randomImage(64 * 1024);
    const url = publish(`refuse-${index}`, image.body, await c.checksum(image.sha256));
    await assert.rejects(t.service().fetch(url, { sha256: image.sha256 }), (e: FiotError) => {
      assert.equal(e.code, c.code, e.message);
      assert.match(e.hint, c.code === 'SIGNATURE_INVALID' ? /keys folder/ : /catalog/);
      // The app shows this hint: the way on is never the weaker setting, nor a command-line flag.
      assert.doesNotMatch(e.hint, /skip|--/);
      return true;
    });
    assert.equal(server.transfers(`/refuse-${index}/${FEDORA_IMAGE}`).length, 0, 'the image was never downloaded');
    assert.deepEqual(await t.service().cache.list(), []);
  });

  test(`${c.name} is accepted with --insecure-skip-signature, and the entry says the check was skipped`, async () => {
    const t = setup();
    const image = randomImage(64 * 1024);
    const url = publish(`skip-${index}`, image.body, await c.checksum(image.sha256));
    const entry = await t.service().fetch(url, { insecureSkipSignature: true });
    assert.equal(entry.sha256, image.sha256);
    assert.equal(entry.verification.signatureSkipped, true);
    assert.equal(entry.verification.signature, null);
    assert.ok(entry.verification.notes.some((n) => /skipped at your request/.test(n)));
    assert.match(verificationWords(entry.verification), /^SIGNATURE NOT CHECKED/);
    // Kept without a check, so a later checked request does not get it silently.
    await assert.rejects(t.service().fetch(url), (e: FiotError) => e.code === 'SIGNATURE_INVALID' && /kept without a signature check/.test(e.message));
  });
}

test('a CHECKSUM signed by a key outside the shipped Fedora set is refused', async () => {
  const t = setup();
  const image = randomImage(64 * 1024);
  const url = publish('shipped-only', image.body, await trusted.clearSign(listing(image.sha256)));
  // Only the app's own keys: the test key is not among them.
  await assert.rejects(t.service({ keyDirs: [shippedKeysDir()] }).fetch(url), (e: FiotError) => e.code === 'SIGNATURE_INVALID' && /does not check out/.test(e.message));
  assert.equal(server.transfers(`/shipped-only/${FEDORA_IMAGE}`).length, 0);
});

test('a trusted signature is named with its fingerprint; a signed listing stands in for a missing catalog sha256', async () => {
  const t = setup();
  const image = randomImage(64 * 1024);
  const url = publish('catalog-signed', image.body, await trusted.clearSign(listing(image.sha256)));
  const resolveRef = async () => ({ url, name: FEDORA_IMAGE, sha256: null });
  const entry = await t.service({ resolveRef }).fetch('fedora-iot:42@rpi4');
  assert.equal(entry.verification.checksum, 'signed');
  assert.equal(entry.verification.signatureSkipped, false);
  assert.match(verificationWords(entry.verification), /^Signature verified by Trusted <test@example\.invalid> \(([0-9A-F]{4} ){9}[0-9A-F]{4}\)$/);
});

test('a catalog entry with no sha256 and no CHECKSUM file is refused (SHA256_MISSING) before downloading', async () => {
  const t = setup();
  const image = randomImage(64 * 1024);
  server.files.set('/catalog/custom.raw.xz', { body: image.body });
  const resolveRef = async () => ({ url: server.url('/catalog/custom.raw.xz'), name: 'custom.raw.xz', sha256: null });
  await assert.rejects(t.service({ resolveRef }).fetch('fedora-iot:42@rpi4'), (e: FiotError) => e.code === 'SHA256_MISSING' && /no sha256/.test(e.message));
  assert.equal(server.transfers('/catalog/custom.raw.xz').length, 0);
});
