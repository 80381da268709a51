/**
 * The renderer's catalog store through a fake API, as the UI drives it: it shows the cache at once
 * and refreshes behind it, recommends the newest stable entry that fits the board, searches, adds
 * the user's own container, and one click hands the entry to the right action for its delivery: a
 * raw image is chosen to be written while it downloads, or (offline) its download is tried at once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCatalogStore, recommendedId, visibleEntries } from '../../../renderer/src/features/catalog/catalog-store';
import { choiceShown } from '../../../renderer/src/features/catalog/choice-shown';
import type { RemoteImage } from '../../../renderer/src/features/image/image-store';
import { loadBoards } from '../../../electron/core/catalog/assets';
import { mirrorGapOf, type Catalog, type CatalogEntry } from '../../../shared/domain/catalog';
import { FiotError } from '../../../shared/errors';
import { createFakeApi, settle } from '../../helpers/fake-api';

const raw = (version: string, arch: 'aarch64' | 'x86_64', stable = true): CatalogEntry => ({
  id: `raw:Fedora-IoT-raw-${version}-20250101.0.${arch}.raw.xz`, kind: 'raw-image', variant: 'fedora-iot', version, architectures: [arch], date: '2025-01-01', size: 10, imageSize: null,
  url: `https://mirror.example/${version}/${arch}.raw.xz`, sha256: stable ? 'a'.repeat(64) : null, digest: null, stable, source: 'releases', labels: {},
});
const container = (variant: string, version: string, stable = true): CatalogEntry => ({
  id: `oci:quay.io/fedora/${variant}:${version}`, kind: 'bootc-container', variant, version, architectures: ['aarch64', 'x86_64'], date: null, size: null, imageSize: null,
  reference: `quay.io/fedora/${variant}:${version}`, sha256: null, digest: null, stable, source: 'registry', labels: {},
});

function catalog(origin: Catalog['origin'], entries: CatalogEntry[]): Catalog {
  return { origin, snapshotDate: '2025-10-28', updatedAt: null, entries, sources: [] };
}

function setup(overrides: { inspect?: (reference: string) => CatalogEntry; offline?: boolean } = {}) {
  const cached = catalog('cache', [raw('42', 'aarch64'), raw('42', 'x86_64'), container('fedora-iot', '42')]);
  if (overrides.offline) cached.sources = [{ id: 'releases', state: 'failed', message: 'no answer', checkedAt: '2025-10-28T00:00:00Z', entries: 0 }];
  const live = catalog('live', [raw('44', 'aarch64', false), raw('43', 'aarch64'), raw('43', 'x86_64'), container('fedora-iot', '43'), container('fedora-bootc', '43')]);
  const downloads: Array<[string, string | null]> = [];
  const streamed: RemoteImage[] = [];
  const builds: Array<[string, string]> = [];
  const switches: string[] = [];
  let releaseRefresh: () => void = () => undefined;
  const api = createFakeApi({
    'catalog:get': () => cached,
    'boards:list': () => ({ boards: loadBoards() }),
    'catalog:refresh': () => new Promise((resolve) => (releaseRefresh = () => resolve(live))),
    'catalog:inspect': ({ reference }) => {
      if (!overrides.inspect) throw new FiotError('NETWORK', 'unreachable');
      return overrides.inspect(reference);
    },
  });
  // The download whose failure is on screen, as the downloads store would say.
  let failed: string | null = null;
  const store = createCatalogStore(api, {
    download: (url, sha) => void downloads.push([url, sha]), writeWhileDownloading: (image) => void streamed.push(image), prepareBuild: (ref, arch) => void builds.push([ref, arch]), switchAtFirstBoot: (ref) => void switches.push(ref),
    failedDownload: () => failed,
  });
  return { api, store, downloads, streamed, builds, switches, live, release: () => releaseRefresh(), fail: (url: string | null) => (failed = url), failed: () => failed };
}

describe('catalog store', () => {
  it('shows the cache at once, then the refresh, and follows catalog:changed', async () => {
    const { api, store, release, live } = setup();
    const loading = store.getState().load();
    await loading;
    assert.equal(store.getState().catalog?.origin, 'cache', 'the cache is shown before the refresh answers');
    assert.equal(store.getState().refreshing, true);
    release();
    await settle();
    assert.equal(store.getState().catalog, live);
    assert.equal(store.getState().refreshing, false);
    const stop = store.getState().watch();
    api.emit('catalog:changed', catalog('live', [raw('45', 'aarch64')]));
    assert.equal(store.getState().catalog?.entries[0]?.version, '45');
    stop();
  });

  it('recommends the newest stable entry for the board without choosing it, and narrows by search', async () => {
    const { store, release } = setup();
    await store.getState().load();
    release();
    await settle();
    store.getState().chooseBoard('rpi4');
    assert.equal(recommendedId(store.getState()), 'raw:Fedora-IoT-raw-43-20250101.0.aarch64.raw.xz', 'stable 43 over prerelease 44');
    assert.equal(store.getState().selectedId, null, 'nothing is chosen (and downloaded) before a click');
    assert.ok(visibleEntries(store.getState()).every((f) => f.entry.architectures.includes('aarch64')));
    store.getState().setQuery('bootc 43');
    assert.deepEqual(visibleEntries(store.getState()).map((f) => f.entry.id), ['oci:quay.io/fedora/fedora-bootc:43', 'oci:quay.io/fedora/fedora-iot:43']);
    store.getState().setQuery('prerelease');
    assert.deepEqual(visibleEntries(store.getState()).map((f) => f.entry.version), ['44']);
  });

  it('with a mirror that answered, recommends what a source that answered offers, not a newer release known only from the snapshot', () => {
    const fromSnapshot = { ...raw('44', 'aarch64'), source: 'snapshot' };
    const onMirror = { ...raw('43', 'aarch64'), source: 'checksums' };
    const sources = [
      { id: 'releases', state: 'failed' as const, checkedAt: '2026-12-07T06:00:00Z', entries: 0 },
      { id: 'checksums', state: 'ok' as const, checkedAt: '2026-12-07T06:00:00Z', entries: 1, address: 'http://127.0.0.1:8701/' },
    ];
    const view = { boards: loadBoards(), boardId: 'rpi4', query: '', custom: [] };
    const answered = { ...catalog('live', [fromSnapshot, onMirror]), sources };
    assert.equal(recommendedId({ ...view, catalog: answered }), onMirror.id);
    assert.deepEqual(mirrorGapOf(answered, fromSnapshot), { mirror: 'http://127.0.0.1:8701/', version: '44', arch: 'aarch64', has: ['43'] });
    assert.equal(mirrorGapOf(answered, onMirror), null);
    // Nobody answered (offline): the newest stable is still the one to suggest.
    const offline = { ...answered, sources: sources.map((s) => ({ ...s, state: 'failed' as const })) };
    assert.equal(recommendedId({ ...view, catalog: offline }), fromSnapshot.id);
    assert.equal(mirrorGapOf(offline, fromSnapshot), null);
  });

  it('one click chooses an entry and hands it to the right action', async () => {
    const { store, release, downloads, streamed, builds, switches } = setup();
    await store.getState().load();
    release();
    await settle();
    store.getState().chooseBoard('rpi4');
    await store.getState().choose('raw:Fedora-IoT-raw-43-20250101.0.aarch64.raw.xz');
    assert.equal(store.getState().selectedId, 'raw:Fedora-IoT-raw-43-20250101.0.aarch64.raw.xz');
    const published: RemoteImage = { url: 'https://mirror.example/43/aarch64.raw.xz', sha256: 'a'.repeat(64), name: 'aarch64.raw.xz', fileSize: 10, imageSize: null, arch: 'aarch64' };
    assert.deepEqual(streamed, [published], 'chosen to be written while it downloads');
    assert.deepEqual(downloads, [], 'nothing is downloaded on a click');
    assert.equal(store.getState().picked?.delivery, 'published-raw');

    await store.getState().choose('oci:quay.io/fedora/fedora-iot:43');
    assert.deepEqual(streamed[1], published, 'the Pi starts from the published image');
    assert.equal(store.getState().picked?.bootcSwitch, 'quay.io/fedora/fedora-iot:43');
    assert.deepEqual(switches, ['quay.io/fedora/fedora-iot:43'], 'the first-boot switch is set in provisioning');

    store.getState().chooseBoard('uefi-x86_64');
    await store.getState().choose('oci:quay.io/fedora/fedora-bootc:43');
    assert.deepEqual(builds, [['quay.io/fedora/fedora-bootc:43', 'x86_64']]);
    assert.match(store.getState().picked?.message ?? '', /Build tab/);
  });

  it('offline, a click on a raw image tries its download at once (so the failure and the ways on show now)', async () => {
    const { store, downloads, streamed } = setup({ offline: true });
    await store.getState().load();
    store.getState().chooseBoard('rpi4');
    await store.getState().choose('raw:Fedora-IoT-raw-42-20250101.0.aarch64.raw.xz');
    assert.deepEqual(downloads, [['https://mirror.example/42/aarch64.raw.xz', 'a'.repeat(64)]]);
    assert.deepEqual(streamed, []);
  });

  it('a click whose image fails to download leaves the choice before it shown as chosen, and marks itself failed', async () => {
    const { store, fail, failed } = setup({ offline: true });
    await store.getState().load();
    store.getState().chooseBoard('rpi4');
    const [e42, e44] = ['raw:Fedora-IoT-raw-42-20250101.0.aarch64.raw.xz', 'raw:Fedora-IoT-raw-44-20250101.0.aarch64.raw.xz'];
    await store.getState().choose(e42);
    assert.deepEqual(choiceShown(store.getState(), failed()), { chosenId: e42, failedId: null });
    store.setState({ catalog: { ...store.getState().catalog!, entries: [...store.getState().catalog!.entries, raw('44', 'aarch64')] } });
    await store.getState().choose(e44);
    assert.deepEqual(choiceShown(store.getState(), failed()), { chosenId: e44, failedId: null }, 'chosen while it downloads');
    fail('https://mirror.example/44/aarch64.raw.xz');
    assert.deepEqual(choiceShown(store.getState(), failed()), { chosenId: e42, failedId: e44 }, 'failed: 42 is still the image');
    // Another failure after it still leaves 42 as the choice, not the failed 44.
    const e43 = 'raw:Fedora-IoT-raw-43-20250101.0.aarch64.raw.xz';
    store.setState({ catalog: { ...store.getState().catalog!, entries: [...store.getState().catalog!.entries, raw('43', 'aarch64')] } });
    await store.getState().choose(e43);
    fail('https://mirror.example/43/aarch64.raw.xz');
    assert.deepEqual(choiceShown(store.getState(), failed()), { chosenId: e42, failedId: e43 });
    // A Retry under way (its failure no longer on screen): the click's entry is the choice again.
    fail(null);
    assert.deepEqual(choiceShown(store.getState(), failed()), { chosenId: e43, failedId: null });
    // Another source's image chosen: nothing is highlighted, failed or not.
    store.getState().forgetChoice();
    assert.deepEqual(choiceShown(store.getState(), 'https://mirror.example/43/aarch64.raw.xz'), { chosenId: null, failedId: null });
  });

  it('adds the user\u2019s own container after looking it up, and shows why when it cannot', async () => {
    const mine = { ...container('my-iot', '1'), id: 'oci:quay.io/me/my-iot:1', reference: 'quay.io/me/my-iot:1', source: 'custom', architectures: ['aarch64' as const] };
    const inspect = (reference: string): CatalogEntry => {
      if (reference === 'quay.io/me/my-iot:1') return mine;
      throw new FiotError('INVALID_INPUT', `${reference} is not a bootc image`);
    };
    const { store } = setup({ inspect });
    await store.getState().load();
    store.getState().chooseBoard('rpi3');
    assert.equal(await store.getState().addCustom('  quay.io/me/my-iot:1 '), true);
    assert.equal(store.getState().selectedId, null, 'adding lists the container; a click on it chooses it');
    assert.ok(visibleEntries(store.getState()).some((f) => f.entry.id === 'oci:quay.io/me/my-iot:1'));
    store.getState().chooseBoard('uefi-x86_64');
    assert.ok(!visibleEntries(store.getState()).some((f) => f.entry.id === 'oci:quay.io/me/my-iot:1'), 'an aarch64-only container does not fit a PC');
    assert.equal(await store.getState().addCustom('quay.io/me/plain:1'), false);
    assert.equal(store.getState().customError?.code, 'INVALID_INPUT');
  });
});
