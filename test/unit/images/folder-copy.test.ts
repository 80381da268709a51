/**
 * A catalog image found in an images folder is used only once something vouches for it: the
 * signed CHECKSUM file beside it (a trusted signature, the file listed, the sha256 equal) and the
 * catalog's sha256. Real files and a throwaway signing key; the e2e test shows it in the station.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkFolderCopy } from '../../../electron/core/images/folder-copy';
import { loadTrustedKeys } from '../../../electron/core/images/verify/trusted-keys';
import { makeTestKey, type TestKey } from '../../helpers/pgp';

const NAME = 'Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz';
const URL_OF = `https://example.invalid/iot/43/IoT/aarch64/images/${NAME}`;
const CHECKSUM = 'Fedora-IoT-43-aarch64-20251024.0-CHECKSUM';
const bytes = Buffer.from('not really an image, but bytes all the same\n');
const sha256 = createHash('sha256').update(bytes).digest('hex');

let dir: string;
let trusted: TestKey;
let stranger: TestKey;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-folder-copy-'));
  writeFileSync(path.join(dir, NAME), bytes);
  [trusted, stranger] = await Promise.all([makeTestKey('Trusted'), makeTestKey('Stranger')]);
  mkdirSync(path.join(dir, 'keys'));
  writeFileSync(path.join(dir, 'keys', 'trusted.asc'), trusted.publicArmored);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const file = () => path.join(dir, NAME);
const keys = () => loadTrustedKeys([path.join(dir, 'keys')]);
const beside = async (key: TestKey, listed: string) => writeFileSync(path.join(dir, CHECKSUM), await key.clearSign(`SHA256 (${NAME}) = ${listed}\n`));

test('without a CHECKSUM file beside it, the catalog’s sha256 vouches; with neither, nothing does', async () => {
  rmSync(path.join(dir, CHECKSUM), { force: true });
  assert.deepEqual(await checkFolderCopy({ file: file(), url: URL_OF, sha256: sha256.toUpperCase(), trusted: keys }), { sha256, checkedBy: 'catalog-sha256' });
  await assert.rejects(checkFolderCopy({ file: file(), url: URL_OF, sha256: 'ab'.repeat(32), trusted: keys }), { code: 'CHECKSUM_MISMATCH' });
  await assert.rejects(checkFolderCopy({ file: file(), url: URL_OF, trusted: keys }), { code: 'SHA256_MISSING' });
});

test('a file of another name is never taken for the catalog’s', async () => {
  await assert.rejects(checkFolderCopy({ file: file(), url: URL_OF.replace('20251024', '20251101'), sha256, trusted: keys }), { code: 'INVALID_INPUT' });
});

test('a signed CHECKSUM beside it vouches when its signature holds, it lists the file, and every sha256 agrees', async () => {
  await beside(trusted, sha256);
  const check = await checkFolderCopy({ file: file(), url: URL_OF, sha256, trusted: keys });
  assert.deepEqual([check.checkedBy, check.checksumFile], ['signed-checksum', CHECKSUM]);
  assert.match(check.signer ?? '', /Trusted/);
  await assert.rejects(checkFolderCopy({ file: file(), url: URL_OF, sha256: 'ab'.repeat(32), trusted: keys }), { code: 'CHECKSUM_MISMATCH' }, 'the catalog disagrees');
  await beside(trusted, 'cd'.repeat(32));
  await assert.rejects(checkFolderCopy({ file: file(), url: URL_OF, sha256, trusted: keys }), { code: 'CHECKSUM_MISMATCH' }, 'the CHECKSUM file disagrees');
  await beside(stranger, sha256);
  await assert.rejects(checkFolderCopy({ file: file(), url: URL_OF, sha256, trusted: keys }), { code: 'SIGNATURE_INVALID' }, 'an untrusted signature stops it, the catalog’s sha256 notwithstanding');
  writeFileSync(path.join(dir, CHECKSUM), await trusted.clearSign(`SHA256 (another.raw.xz) = ${sha256}\n`));
  await assert.rejects(checkFolderCopy({ file: file(), url: URL_OF, sha256, trusted: keys }), { code: 'CHECKSUM_UNLISTED' });
});
