/** Pure pieces of the images domain: CHECKSUM file names, the mirror list, speed and ETA, source kinds. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMirrorlist } from '../../electron/core/images/download/mirrors';
import { isUrl } from '../../electron/core/images/resolve-source';
import { isCatalogRef } from '../../shared/domain/catalog';
import { checksumUrlFor } from '../../electron/core/images/verify/checksum-file';

const base = 'https://dl.fedoraproject.org/pub/alt/iot/42/IoT/aarch64/images/';

test('the CHECKSUM file next to a Fedora IoT image, both name forms', () => {
  assert.equal(checksumUrlFor(`${base}Fedora-IoT-raw-42-20250414.0.aarch64.raw.xz`), `${base}Fedora-IoT-42-aarch64-20250414.0-CHECKSUM`);
  assert.equal(checksumUrlFor(`${base}Fedora-IoT-38-20230414.0.x86_64.raw.xz`), `${base}Fedora-IoT-38-x86_64-20230414.0-CHECKSUM`);
  assert.equal(checksumUrlFor(`${base}something-else.img.xz`), null);
  assert.equal(checksumUrlFor('not a url'), null);
});

test('mirrorlist answers keep https mirrors and drop comments', () => {
  const text = '# path = pub/alt/iot/x\nhttps://a.example/pub/alt/iot/x\nhttp://insecure.example/x\n\nhttps://b.example/x\n';
  assert.deepEqual(parseMirrorlist(text), ['https://a.example/pub/alt/iot/x', 'https://b.example/x']);
});

test('source kinds: URLs, catalog references, and paths', () => {
  assert.ok(isUrl('https://x/y.raw.xz'));
  assert.ok(isCatalogRef('fedora-iot:42@rpi4'));
  assert.ok(!isCatalogRef('https://x/y'));
  assert.ok(!isCatalogRef('/home/me/img.raw'));
  assert.ok(!isCatalogRef('C:\\images\\x.raw'));
});
