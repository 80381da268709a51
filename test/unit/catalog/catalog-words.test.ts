/**
 * What the image step says about the catalog: entries in plain words (only known facts), the
 * offline banner's condition and date, and a source that answered without a date keeping the
 * snapshot's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadBoards, loadSnapshot } from '../../../electron/core/catalog/assets';
import { buildCatalog } from '../../../electron/core/catalog/merge';
import type { CatalogSource } from '../../../electron/core/catalog/source';
import { catalogOffline, catalogShownFrom, type CatalogEntry, type SourceStatus } from '../../../shared/domain/catalog';
import { cardFit, entryFacts, entryTitle } from '../../../renderer/src/features/catalog/entry-words';
import type { Drive } from '../../../shared/domain/drive';

const rpi4 = loadBoards().find((b) => b.id === 'rpi4')!;
const snapshot = loadSnapshot();
const raw43 = snapshot.entries.find((e) => e.id === 'raw:Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz')!;
const status = (state: SourceStatus['state'], checkedAt: string | null, shownFrom?: string): SourceStatus => ({
  id: `source-${state}`, state, checkedAt, entries: 1, ...(shownFrom ? { shownFrom } : {}),
});

describe('catalog entries in plain words', () => {
  it('names a raw image by release and board, with its download size and release date', () => {
    const entry: CatalogEntry = { ...raw43, size: 700 * 1000 * 1000 };
    assert.equal(entryTitle(entry, rpi4), 'Fedora IoT 43 for Raspberry Pi 4 Model B / 400 / Compute Module 4');
    assert.equal(entryFacts(entry), '700 MB download · released 2025-10-24');
  });

  it('says how much room the image takes on the card when its unpacked size is known', () => {
    const entry: CatalogEntry = { ...raw43, size: 700 * 1000 * 1000, imageSize: 6 * 1024 ** 3 };
    assert.equal(entryFacts(entry), '700 MB download · 6.44 GB on the card · released 2025-10-24');
  });

  it('says what card a chosen image needs, and names the cards in this computer that are too small', () => {
    const entry = { imageSize: 6 * 1024 ** 3 };
    const card = (description: string, size: number, extra: Partial<Drive> = {}): Drive => ({
      device: `/dev/${description}`, description, size, isSystem: false, isRemovable: true, isReadOnly: false, isVirtual: false, kind: 'drive', mountpoints: [], ...extra,
    });
    const system = card('nvme0n1', 512e9, { isSystem: true, isRemovable: false });
    assert.equal(cardFit({ imageSize: null }, [card('sdb', 4e9)]), null, 'nothing said when the size is not known');
    assert.deepEqual(cardFit(entry, [system]), { words: 'Needs a card of at least 6.44 GB.', tooSmall: false });
    assert.deepEqual(cardFit(entry, [system, card('sdb', 4e9), card('sdc', 32e9)]), { words: 'Needs a card of at least 6.44 GB.', tooSmall: false });
    assert.deepEqual(cardFit(entry, [system, card('sdb', 4e9)]), {
      words: 'Needs a card of at least 6.44 GB. sdb (4 GB) is too small: insert a larger card while the image downloads.',
      tooSmall: true,
    });
    assert.equal(cardFit(entry, [card('sdb', 4e9), card('sdc', 2e9)])?.tooSmall, true);
    assert.match(cardFit(entry, [card('sdb', 4e9), card('sdc', 2e9)])?.words ?? '', /sdb \(4 GB\), sdc \(2 GB\) are too small/);
  });

  it('leaves out what is not known instead of saying "unknown"', () => {
    assert.equal(entryFacts({ ...raw43, size: null }), 'released 2025-10-24');
    const container = snapshot.entries.find((e) => e.id === 'oci:quay.io/fedora/fedora-bootc:43')!;
    assert.equal(entryTitle(container, rpi4), 'fedora-bootc 43 container');
    assert.equal(entryFacts(container), 'quay.io/fedora/fedora-bootc:43');
    assert.doesNotMatch(entryFacts(container), /unknown/);
  });
});

describe('offline catalog', () => {
  it('is offline only when a refresh ran and no source answered', () => {
    assert.equal(catalogOffline({ sources: [status('stale', null)] }), false, 'never refreshed: not known to be offline');
    assert.equal(catalogOffline({ sources: [status('failed', '2026-01-02T10:00:00Z'), status('ok', '2026-01-02T10:00:00Z')] }), false);
    assert.equal(catalogOffline({ sources: [status('failed', '2026-01-02T10:00:00Z'), status('stale', '2026-01-02T10:00:00Z')] }), true);
  });

  it('dates the catalog by the oldest data it shows', () => {
    const sources = [status('stale', '2026-01-02T10:00:00Z', '2025-12-01T08:00:00Z'), status('failed', '2026-01-02T10:00:00Z', '2025-10-28')];
    assert.equal(catalogShownFrom({ sources, snapshotDate: '2025-10-28' }), '2025-10-28');
    assert.equal(catalogShownFrom({ sources: [sources[0]!], snapshotDate: '2025-10-28' }), '2025-12-01');
  });

  it('keeps the snapshot\u2019s date for an entry a source listed without one', () => {
    const undated: CatalogEntry = { ...raw43, date: null, source: 'checksums' };
    const source: CatalogSource = { id: 'checksums', owns: (e) => e.kind === 'raw-image', run: () => Promise.reject(new Error('not run here')) };
    const cached = { checksums: { status: status('ok', '2026-01-02T10:00:00Z'), state: { entries: [undated], validators: {}, checkedAt: '2026-01-02T10:00:00Z' } } };
    const catalog = buildCatalog('cache', snapshot, [source], cached, null);
    assert.equal(catalog.entries.find((e) => e.id === raw43.id)?.date, '2025-10-24');
  });
});
