import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Board } from '../../../shared/domain/board';
import { entriesForBoard, parseCatalogRef, resolveCatalogRef, isCatalogRef, type CatalogEntry } from '../../../shared/domain/catalog';
import { FiotError } from '../../../shared/errors';
import { loadBoards, loadSnapshot } from '../../../electron/core/catalog/assets';

const boards = loadBoards();
const board = (id: string): Board => {
  const found = boards.find((b) => b.id === id);
  assert.ok(found, `board ${id} exists`);
  return found;
};

function raw(version: string, arch: 'aarch64' | 'x86_64', date: string, stable = true): CatalogEntry {
  const file = `Fedora-IoT-raw-${version}-${date.replaceAll('-', '')}.0.${arch}.raw.xz`;
  return {
    id: `raw:${file}`, kind: 'raw-image', variant: 'fedora-iot', version, architectures: [arch], date, size: 1000, imageSize: null,
    url: `https://example.org/${file}`, sha256: null, digest: null, stable, source: 'test', labels: {},
  };
}

function container(variant: string, version: string, architectures: ('aarch64' | 'x86_64')[], stable = true): CatalogEntry {
  return {
    id: `oci:quay.io/fedora/${variant}:${version}`, kind: 'bootc-container', variant, version, architectures, date: null, size: null, imageSize: null,
    reference: `quay.io/fedora/${variant}:${version}`, sha256: null, digest: null, stable, source: 'test', labels: {},
  };
}

const catalog = {
  entries: [
    raw('41', 'aarch64', '2024-10-27'),
    raw('43', 'x86_64', '2025-10-24'),
    raw('43', 'aarch64', '2025-10-24'),
    raw('44', 'aarch64', '2026-02-01', false),
    raw('42', 'aarch64', '2025-04-14'),
    container('fedora-bootc', 'rawhide', ['aarch64', 'x86_64'], false),
    container('fedora-iot', '43', ['aarch64', 'x86_64']),
    container('fedora-x86-only', '43', ['x86_64']),
  ],
};

describe('boards and snapshot data', () => {
  it('lists the boards the issue names, each with notes, and Pi 5 as not supported with a reason', () => {
    const ids = boards.map((b) => b.id);
    for (const id of ['rpi3', 'rpi4', 'rpi-zero2w', 'uefi-x86_64', 'uefi-aarch64', 'rpi5']) assert.ok(ids.includes(id), id);
    assert.ok(boards.filter((b) => b.support === 'needs-firmware').length >= 3);
    const pi5 = board('rpi5');
    assert.equal(pi5.support, 'unsupported');
    assert.deepEqual(pi5.deliveries, []);
    assert.match(pi5.notes.join(' '), /not supported by Fedora/i);
    assert.match(board('rpi4').notes.join(' '), /enable_uart=1/);
    assert.deepEqual(board('rpi4').deliveries, ['published-raw', 'published-raw+bootc-switch']);
    assert.deepEqual(board('uefi-x86_64').deliveries, ['published-raw', 'bootc-built-raw']);
  });

  it('marks only Fedora IoT\u2019s reference platforms supported: the Pi Zero 2 W is community-tested, with a note saying why', () => {
    const zero = board('rpi-zero2w');
    assert.equal(zero.support, 'community');
    assert.match(zero.notes[0] ?? '', /not one of Fedora IoT's reference platforms/);
    assert.deepEqual(zero.deliveries, ['published-raw', 'published-raw+bootc-switch'], 'still offered: the image boots it');
    for (const id of ['rpi3', 'rpi4', 'uefi-x86_64', 'uefi-aarch64']) assert.equal(board(id).support, 'supported', id);
    for (const id of ['rock-pi-4', 'pinebook-pro', 'orangepi-pc2']) assert.match(board(id).notes.join(' '), /not one of Fedora IoT's reference platforms/i, id);
  });

  it('ships a dated snapshot whose raw image URLs follow Fedora\u2019s path pattern and which invents no checksums', () => {
    const snapshot = loadSnapshot();
    assert.match(snapshot.snapshotDate, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(snapshot.note, /snapshot of/i);
    const rawEntries = snapshot.entries.filter((e) => e.kind === 'raw-image');
    assert.ok(rawEntries.length >= 6);
    for (const e of rawEntries) {
      assert.match(e.url ?? '', new RegExp(`/pub/alt/iot/${e.version}/IoT/${e.architectures[0]}/images/Fedora-IoT-raw-${e.version}-\\d{8}\\.\\d+\\.${e.architectures[0]}\\.raw\\.xz$`));
      assert.equal(e.sha256, null);
    }
    const variants = new Set(snapshot.entries.filter((e) => e.kind === 'bootc-container').map((e) => e.variant));
    assert.deepEqual([...variants].sort(), ['fedora-bootc', 'fedora-iot']);
  });

  it('knows Fedora 44, stable since April 2026, by its compose, with nothing it does not know filled in', () => {
    const snapshot = loadSnapshot();
    const f44 = snapshot.entries.filter((e) => e.version === '44');
    assert.deepEqual(f44.filter((e) => e.kind === 'raw-image').map((e) => e.id).sort(), [
      'raw:Fedora-IoT-raw-44-20260427.0.aarch64.raw.xz',
      'raw:Fedora-IoT-raw-44-20260427.0.x86_64.raw.xz',
    ]);
    assert.deepEqual(f44.filter((e) => e.kind === 'bootc-container').map((e) => e.reference).sort(), ['quay.io/fedora/fedora-bootc:44', 'quay.io/fedora/fedora-iot:44']);
    for (const e of f44) {
      assert.equal(e.stable, true);
      assert.equal(e.size, null);
      assert.equal(e.sha256, null);
      assert.equal(e.digest, null);
    }
    assert.equal(resolveCatalogRef({ entries: snapshot.entries }, boards, parseCatalogRef('fedora-iot:latest@rpi4')).version, '44');
  });
});

describe('entriesForBoard', () => {
  it('gives a Raspberry Pi 4 only aarch64 raw images and containers via the published image, newest stable first', () => {
    const fits = entriesForBoard(catalog, board('rpi4'));
    assert.deepEqual(
      fits.map((f) => `${f.entry.kind}:${f.entry.variant}:${f.entry.version}:${f.delivery}`),
      [
        'raw-image:fedora-iot:43:published-raw',
        'bootc-container:fedora-iot:43:published-raw+bootc-switch',
        'raw-image:fedora-iot:42:published-raw',
        'raw-image:fedora-iot:41:published-raw',
        'raw-image:fedora-iot:44:published-raw',
        'bootc-container:fedora-bootc:rawhide:published-raw+bootc-switch',
      ],
    );
  });

  it('gives a UEFI PC x86_64 entries only, containers built into raw images', () => {
    const fits = entriesForBoard(catalog, board('uefi-x86_64'));
    assert.ok(fits.every((f) => f.entry.architectures.includes('x86_64')));
    assert.deepEqual(fits.map((f) => f.delivery), ['published-raw', 'bootc-built-raw', 'bootc-built-raw', 'bootc-built-raw']);
  });

  it('offers nothing for a Raspberry Pi 5, and only published images for boards needing their own U-Boot', () => {
    assert.deepEqual(entriesForBoard(catalog, board('rpi5')), []);
    assert.ok(entriesForBoard(catalog, board('rockpro64')).every((f) => f.delivery === 'published-raw'));
  });
});

describe('catalog references', () => {
  it('parses variant:version@board', () => {
    assert.deepEqual(parseCatalogRef('fedora-iot:42@rpi4'), { variant: 'fedora-iot', version: '42', board: 'rpi4' });
    assert.deepEqual(parseCatalogRef('fedora-iot:latest@uefi-x86_64'), { variant: 'fedora-iot', version: 'latest', board: 'uefi-x86_64' });
    assert.equal(isCatalogRef('fedora-iot:42@rpi4'), true);
    assert.equal(isCatalogRef('/tmp/fedora.raw.xz'), false);
    assert.equal(isCatalogRef('https://example.org/a.raw.xz'), false);
  });

  it('refuses malformed references with a hint showing the form', () => {
    for (const bad of ['fedora-iot', 'fedora-iot:42', 'fedora-iot@rpi4', ':42@rpi4', 'Fedora IoT:42@rpi4']) {
      assert.throws(() => parseCatalogRef(bad), (e: unknown) => e instanceof FiotError && e.code === 'INVALID_INPUT' && /fedora-iot:42@rpi4/.test(e.hint));
    }
  });

  it('resolves to the raw image for the board\u2019s architecture', () => {
    assert.equal(resolveCatalogRef(catalog, boards, parseCatalogRef('fedora-iot:42@rpi4')).url, 'https://example.org/Fedora-IoT-raw-42-20250414.0.aarch64.raw.xz');
    assert.equal(resolveCatalogRef(catalog, boards, parseCatalogRef('fedora-iot:43@uefi-x86_64')).architectures[0], 'x86_64');
    assert.equal(resolveCatalogRef(catalog, boards, parseCatalogRef('fedora-iot:43@x86_64')).architectures[0], 'x86_64');
    // latest is the newest stable release, never the prerelease 44.
    assert.equal(resolveCatalogRef(catalog, boards, parseCatalogRef('fedora-iot:latest@rpi3')).version, '43');
  });

  it('says what to do when a reference cannot be resolved', () => {
    const fails = (ref: string, code: string, pattern: RegExp) =>
      assert.throws(() => resolveCatalogRef(catalog, boards, parseCatalogRef(ref)), (e: unknown) => e instanceof FiotError && e.code === code && pattern.test(`${e.message} ${e.hint}`));
    fails('fedora-iot:42@nosuchboard', 'NOT_FOUND', /fiot-flash boards/);
    fails('fedora-iot:43@rpi5', 'INVALID_INPUT', /not supported by Fedora/);
    fails('fedora-iot:40@rpi4', 'NOT_FOUND', /43, 42, 41, 44/);
    fails('fedora-iot:42@x86_64', 'NOT_FOUND', /43/);
    fails('fedora-bootc:rawhide@uefi-x86_64', 'NOT_FOUND', /fiot-flash build quay.io\/fedora\/fedora-bootc:rawhide --arch x86_64/);
    fails('nosuchvariant:42@rpi4', 'NOT_FOUND', /fiot-flash catalog/);
  });
});
