/**
 * Integrity fails closed for Fedora images: the CHECKSUM file next to the image must be
 * clear-signed by a trusted key (Fedora's shipped ones or the user's) and must list the image,
 * else nothing is downloaded, unless the user explicitly skips the check, which the entry then
 * records. Catalog entries need a sha256 from somewhere. Real loopback server, real OpenPGP keys.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { shippedKeysDir } from '../../../electron/core/images/verify/trusted-keys';
import type { FiotError } from '../../../shared/errors';
import { verificationWords } from '../../../shared/domain/verification-words';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { makeTestKey, type TestKey } from '../../helpers/pgp';
import { randomImage, tempImages, type TempImages } from './setup';

const KiB = 1024;
const IMAGE = 'Fedora-IoT-raw-44-20260414.0.aarch64.raw.xz';
const CHECKSUM = 'Fedora-IoT-44-aarch64-20260414.0-CHECKSUM';
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
  return t;
}

/** Publishes the image in its own folder, with a CHECKSUM file when given; returns the image URL. */
function publish(dir: string, body: Buffer, checksum: string | null): string {
  server.files.set(`/${dir}/${IMAGE}`, { body });
  if (checksum !== null) server.files.set(`/${dir}/${CHECKSUM}`, { body: Buffer.from(checksum) });
  return server.url(`/${dir}/${IMAGE}`);
}

const listing = (sha256: string, name = IMAGE) => `# Fedora-IoT 44\nSHA256 (${name}) = ${sha256}\n`;

interface Case {
  name: string;
  code: string;
  checksum(sha256: string): Promise<string | null>;
}

const refusals: Case[] = [
  { name: 'an unsigned CHECKSUM', code: 'SIGNATURE_INVALID', checksum: async (sha) => listing(sha) },
  { name: 'a CHECKSUM signed by a key nobody trusts', code: 'SIGNATURE_INVALID', checksum: (sha) => stranger.clearSign(listing(sha)) },
  { name: 'a signed CHECKSUM that does not list the image', code: 'CHECKSUM_UNLISTED', checksum: (sha) => trusted.clearSign(listing(sha, 'Fedora-IoT-raw-44-20260414.0.x86_64.raw.xz')) },
  { name: 'no CHECKSUM file at all', code: 'SIGNATURE_MISSING', checksum: async () => null },
];

for (const [index, c] of refusals.entries()) {
  test(`${c.name} refuses a Fedora image before downloading it (${c.code}), even with a matching --sha256`, async () => {
    const t = setup();
    const image = randomImage(64 * KiB);
    const url = publish(`refuse-${index}`, image.body, await c.checksum(image.sha256));
    await assert.rejects(t.service().fetch(url, { sha256: image.sha256 }), (e: FiotError) => {
      assert.equal(e.code, c.code, e.message);
      assert.match(e.hint, c.code === 'SIGNATURE_INVALID' ? /keys folder/ : /insecure-skip-signature|mirror/);
      return true;
    });
    assert.equal(server.transfers(`/refuse-${index}/${IMAGE}`).length, 0, 'the image was never downloaded');
    assert.deepEqual(await t.service().cache.list(), []);
  });

  test(`${c.name} is accepted with --insecure-skip-signature, and the entry says the check was skipped`, async () => {
    const t = setup();
    const image = randomImage(64 * KiB);
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
  const image = randomImage(64 * KiB);
  const url = publish('shipped-only', image.body, await trusted.clearSign(listing(image.sha256)));
  // Only the app's own keys: the test key is not among them.
  await assert.rejects(t.service({ keyDirs: [shippedKeysDir()] }).fetch(url), (e: FiotError) => e.code === 'SIGNATURE_INVALID' && /does not check out/.test(e.message));
  assert.equal(server.transfers(`/shipped-only/${IMAGE}`).length, 0);
});

test('a trusted signature is named with its fingerprint; a signed listing stands in for a missing catalog sha256', async () => {
  const t = setup();
  const image = randomImage(64 * KiB);
  const url = publish('catalog-signed', image.body, await trusted.clearSign(listing(image.sha256)));
  const resolveRef = async () => ({ url, name: IMAGE, sha256: null });
  const entry = await t.service({ resolveRef }).fetch('fedora-iot:44@rpi4');
  assert.equal(entry.verification.checksum, 'signed');
  assert.equal(entry.verification.signatureSkipped, false);
  assert.match(verificationWords(entry.verification), /^Signature verified by Trusted <test@example\.invalid> \(([0-9A-F]{4} ){9}[0-9A-F]{4}\)$/);
});

test('a catalog entry with no sha256 and no CHECKSUM file is refused (SHA256_MISSING) before downloading', async () => {
  const t = setup();
  const image = randomImage(64 * KiB);
  server.files.set('/catalog/custom.raw.xz', { body: image.body });
  const resolveRef = async () => ({ url: server.url('/catalog/custom.raw.xz'), name: 'custom.raw.xz', sha256: null });
  await assert.rejects(t.service({ resolveRef }).fetch('fedora-iot:44@rpi4'), (e: FiotError) => e.code === 'SHA256_MISSING' && /no sha256/.test(e.message));
  assert.equal(server.transfers('/catalog/custom.raw.xz').length, 0);
});
