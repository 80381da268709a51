import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIotFileName } from '../../../electron/core/catalog/releases/file-name';
import { checksumFilesInListing, parseBsdChecksums, sha256ByFile } from '../../../electron/core/catalog/releases/checksum-file';
import { parseReleasesIndex } from '../../../electron/core/catalog/releases/releases-index';
import { releasesToProbe } from '../../../electron/core/catalog/releases/checksum-source';
import { FiotError } from '../../../shared/errors';

const hexA = 'a'.repeat(64);
const hexB = 'B'.repeat(64);

describe('IoT raw image file names', () => {
  it('reads the current form with raw-', () => {
    assert.deepEqual(parseIotFileName('Fedora-IoT-raw-42-20250414.0.aarch64.raw.xz'), {
      fileName: 'Fedora-IoT-raw-42-20250414.0.aarch64.raw.xz', version: '42', arch: 'aarch64', compose: '20250414.0', date: '2025-04-14', nightly: false,
    });
  });

  it('reads the older form without raw-', () => {
    const name = parseIotFileName('Fedora-IoT-38-20230414.1.x86_64.raw.xz');
    assert.equal(name?.version, '38');
    assert.equal(name?.arch, 'x86_64');
    assert.equal(name?.compose, '20230414.1');
  });

  it('marks Rawhide nightlies and rejects other files', () => {
    const nightly = parseIotFileName('Fedora-IoT-raw-Rawhide-20251101.n.0.aarch64.raw.xz');
    assert.equal(nightly?.version, 'rawhide');
    assert.equal(nightly?.nightly, true);
    for (const other of ['Fedora-IoT-ostree-42-20250414.0.aarch64.iso', 'Fedora-Minimal-42-1.1.aarch64.raw.xz', 'Fedora-IoT-raw-42-20250414.0.ppc64le.raw.xz', 'Fedora-IoT-42-aarch64-20250414.0-CHECKSUM']) {
      assert.equal(parseIotFileName(other), null, other);
    }
  });
});

describe('releases.json', () => {
  const index = [
    { version: '42', arch: 'aarch64', link: 'https://dl.example/pub/alt/iot/42/IoT/aarch64/images/Fedora-IoT-raw-42-20250414.0.aarch64.raw.xz', variant: 'IoT', subvariant: 'IoT', sha256: hexA, size: '712345678' },
    { version: '38', arch: 'x86_64', link: 'https://dl.example/pub/alt/iot/38/IoT/x86_64/images/Fedora-IoT-38-20230414.0.x86_64.raw.xz', variant: 'IoT', subvariant: 'IoT', sha256: hexB, size: '600000000', releaseDate: '2023-04-18' },
    { version: '43 Beta', arch: 'aarch64', link: 'https://dl.example/Fedora-IoT-raw-43-20250910.0.aarch64.raw.xz', variant: 'IoT', sha256: 'not-a-hash', size: 'unknown' },
    { version: '42', arch: 'x86_64', link: 'https://dl.example/Fedora-IoT-ostree-42-20250414.0.x86_64.iso', variant: 'IoT', sha256: hexA, size: '1' },
    { version: '42', arch: 'x86_64', link: 'https://dl.example/Fedora-Workstation-Live-42-1.1.x86_64.iso', variant: 'Workstation', sha256: hexA, size: '2' },
    { version: '42', arch: 'aarch64', link: 'https://dl.example/Fedora-Minimal-42-1.1.aarch64.raw.xz', variant: 'Spins', sha256: hexA, size: '3' },
    'garbage',
    null,
  ];

  it('keeps IoT raw images only, with numeric sizes, both name forms, and prereleases marked', () => {
    const entries = parseReleasesIndex(JSON.stringify(index));
    assert.deepEqual(entries.map((e) => [e.version, e.architectures[0], e.size, e.stable, e.date]), [
      ['42', 'aarch64', 712345678, true, '2025-04-14'],
      ['38', 'x86_64', 600000000, true, '2023-04-18'],
      ['43', 'aarch64', null, false, '2025-09-10'],
    ]);
    assert.equal(entries[0]?.sha256, hexA);
    assert.equal(entries[1]?.sha256, hexB.toLowerCase());
    assert.equal(entries[2]?.sha256, null, 'an invalid hash is dropped, not passed on');
    assert.equal(entries[0]?.id, 'raw:Fedora-IoT-raw-42-20250414.0.aarch64.raw.xz');
  });

  it('refuses malformed JSON and non-lists as NETWORK errors', () => {
    assert.throws(() => parseReleasesIndex('{"releases": ['), (e: unknown) => e instanceof FiotError && e.code === 'NETWORK' && /not valid JSON/.test(e.message));
    assert.throws(() => parseReleasesIndex('{"releases": []}'), (e: unknown) => e instanceof FiotError && /not a list/.test(e.message));
  });
});

describe('CHECKSUM files', () => {
  const signed = [
    '-----BEGIN PGP SIGNED MESSAGE-----',
    'Hash: SHA256',
    '',
    '# Fedora-IoT-raw-42-20250414.0.aarch64.raw.xz: 712345678 bytes',
    `SHA256 (Fedora-IoT-raw-42-20250414.0.aarch64.raw.xz) = ${hexA}`,
    `SHA256 (Fedora-IoT-ostree-42-20250414.0.aarch64.iso) = ${hexB}`,
    `SHA512 (Fedora-IoT-raw-42-20250414.0.aarch64.raw.xz) = ${'c'.repeat(128)}`,
    '-----BEGIN PGP SIGNATURE-----',
    '',
    'iQIzBAEBCAAdFiEE...',
    '-----END PGP SIGNATURE-----',
  ].join('\r\n');

  it('reads BSD lines inside a clear-signed text', () => {
    const lines = parseBsdChecksums(signed);
    assert.equal(lines.length, 3);
    assert.deepEqual(lines[1], { algorithm: 'SHA256', fileName: 'Fedora-IoT-ostree-42-20250414.0.aarch64.iso', digest: hexB.toLowerCase() });
    assert.equal(sha256ByFile(signed).get('Fedora-IoT-raw-42-20250414.0.aarch64.raw.xz'), hexA);
  });

  it('finds CHECKSUM files in a mirror folder listing', () => {
    const html = '<a href="Fedora-IoT-42-aarch64-20250414.0-CHECKSUM">x</a> <a href="Fedora-IoT-raw-42-20250414.0.aarch64.raw.xz">y</a> <a href="?C=M;O=A">sort</a>';
    assert.deepEqual(checksumFilesInListing(html), ['Fedora-IoT-42-aarch64-20250414.0-CHECKSUM']);
  });

  it('probes the known releases and the next one', () => {
    const known = parseReleasesIndex(JSON.stringify(index42()));
    assert.deepEqual(releasesToProbe(known), ['43', '42']);
    assert.deepEqual(releasesToProbe([]), []);
  });
});

function index42() {
  return [{ version: '42', arch: 'aarch64', link: 'https://x/Fedora-IoT-raw-42-20250414.0.aarch64.raw.xz', variant: 'IoT', sha256: hexA, size: '1' }];
}
