/**
 * The keys shipped in assets/keys/ are exactly Fedora's, as recorded in fedora-keys.ts (and the
 * folder's README): one key per file, with the recorded fingerprint, and no other key file.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readKeys } from 'openpgp';
import { fedoraKeys } from '../../electron/core/images/verify/fedora-keys';
import { groupFingerprint } from '../../shared/domain/verification-words';

const keysDir = path.resolve(import.meta.dirname, '../../assets/keys');

test('every shipped key file holds the one key whose fingerprint the repository records', async () => {
  const files = readdirSync(keysDir).filter((name) => name !== 'README.md').sort();
  assert.deepEqual(files, fedoraKeys.map((k) => k.file).sort(), 'the folder holds exactly the recorded key files');
  const readme = readFileSync(path.join(keysDir, 'README.md'), 'utf8');
  for (const recorded of fedoraKeys) {
    const keys = await readKeys({ armoredKeys: readFileSync(path.join(keysDir, recorded.file), 'utf8') });
    assert.equal(keys.length, 1, `${recorded.file} holds one key`);
    assert.equal(keys[0]!.getFingerprint().toUpperCase(), recorded.fingerprint, `${recorded.file} is the key recorded for ${recorded.name}`);
    assert.ok(readme.includes(groupFingerprint(recorded.fingerprint)), `README lists ${recorded.name}'s fingerprint`);
  }
});

test('fingerprints are shown in groups of four', () => {
  assert.equal(groupFingerprint('36f612dcf27f7d1a48a835e4dbfcf71c6d9f90a6'), '36F6 12DC F27F 7D1A 48A8 35E4 DBFC F71C 6D9F 90A6');
});
