/**
 * No dead ends, in the stores: a drive that cannot be written is never selected (by hand, by
 * path, by a restored draft, or after the image changed), one added by path can be removed, and
 * the draft survives a restart of the page without ever putting the Wi-Fi passphrase in storage.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCatalogStore } from '../../renderer/src/features/catalog/catalog-store';
import { batchBlocker, createFleetStore } from '../../renderer/src/features/fleet/fleet-store';
import { createDrivesStore, imageFacts, removableDevices } from '../../renderer/src/features/drives/drives-store';
import { createImageStore } from '../../renderer/src/features/image/image-store';
import { createProfileStore } from '../../renderer/src/features/provisioning/profile-store';
import { emptyForm } from '../../renderer/src/features/provisioning/profile-form';
import { firstBootWritten, sshLine } from '../../renderer/src/features/write/next-steps';
import { DRAFT_KEY, parseDraft } from '../../renderer/src/shell/draft';
import { keepDraft, type DraftStorage } from '../../renderer/src/shell/keep-draft';
import { createUiStore } from '../../renderer/src/shell/ui-store';
import type { SourceInfo } from '../../shared/api/source';
import { checkTarget } from '../../shared/drive-constraints';
import type { Drive } from '../../shared/domain/drive';
import { createFakeApi, settle } from '../helpers/fake-api';

const GB = 1e9;

function drive(device: string, extra: Partial<Drive> = {}): Drive {
  return { device, description: `Card ${device}`, size: 32 * GB, isSystem: false, isRemovable: true, isReadOnly: false, isVirtual: false, kind: 'drive', mountpoints: [], ...extra };
}

function sourceInfo(path: string, size: number): SourceInfo {
  return { path, name: path.split('/').pop()!, format: 'raw', fileSize: size, size, minSize: size } as SourceInfo;
}

test('drives: one that cannot be written is never selected, by hand, by path or by select(); an added one can be removed', async () => {
  let imageSize = 4 * GB;
  const api = createFakeApi({
    'drives:list': () => ({ drives: [drive('/dev/sdb'), drive('/dev/sda', { isSystem: true }), drive('/dev/sdc', { size: GB })] }),
    'drives:resolve': ({ path }) => ({ drive: drive(path, { kind: 'loop', size: 2 * GB }) }),
  });
  const store = createDrivesStore(api, { writable: (d) => checkTarget(d, { size: imageSize }).ok });
  await store.getState().load();
  store.getState().toggle('/dev/sda');
  store.getState().toggle('/dev/sdc');
  assert.deepEqual(store.getState().selected, [], 'a system drive and a too-small card stay unticked');
  store.getState().toggle('/dev/sdb');
  assert.deepEqual(store.getState().selected, ['/dev/sdb']);

  assert.equal(await store.getState().addByPath('/dev/loop7'), true);
  assert.deepEqual(store.getState().selected, ['/dev/sdb'], 'added, shown, but not ticked: it is too small');
  assert.deepEqual(removableDevices(store.getState()), ['/dev/loop7']);

  imageSize = GB;
  store.getState().toggle('/dev/loop7');
  assert.deepEqual(store.getState().selected, ['/dev/sdb', '/dev/loop7'], 'a smaller image fits it');
  imageSize = 3 * GB;
  store.getState().pruneSelection();
  assert.deepEqual(store.getState().selected, ['/dev/sdb'], 'a larger image drops it again');

  store.getState().select(['/dev/sda', '/dev/sdb', '/dev/gone']);
  assert.deepEqual(store.getState().selected, ['/dev/sdb']);
  store.getState().removeAdded('/dev/loop7');
  assert.deepEqual(store.getState().added, []);
  assert.deepEqual(removableDevices(store.getState()), []);
});

function memoryStorage(): DraftStorage & { text(): string } {
  const items = new Map<string, string>();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value), text: () => items.get(DRAFT_KEY) ?? '' };
}

/** The app's stores the draft keeps, over one fake core, as stores.ts wires them. */
function appStores(files: Record<string, number>, loopSize: number) {
  const api = createFakeApi({
    'source:inspect': ({ path }) => sourceInfo(path, files[path]!),
    'drives:list': () => ({ drives: [drive('/dev/sdb')] }),
    'drives:resolve': ({ path }) => ({ drive: drive(path, { kind: 'loop', size: loopSize }) }),
    'provision:preview': () => ({ problems: [], mode: 'config', configText: '{}', url: null, hostnames: ['my-pi'] }),
  });
  const image = createImageStore(api);
  const stores = {
    ui: createUiStore(),
    image,
    profile: createProfileStore(api),
    drives: createDrivesStore(api, { writable: (d) => checkTarget(d, imageFacts(image.getState().info)).ok }),
    catalog: createCatalogStore(api, { download: () => undefined, writeWhileDownloading: () => undefined, prepareBuild: () => undefined, switchAtFirstBoot: () => undefined, failedDownload: () => null }),
    fleet: createFleetStore(api),
  };
  return { api, stores };
}

test('draft: the choices survive a restart; the Wi-Fi passphrase and a merged config never reach storage', async () => {
  const storage = memoryStorage();
  const files = { '/images/iot.raw': 2 * GB };
  const first = appStores(files, 8 * GB);
  const stop = keepDraft(first.stores, storage);
  await settle();
  await first.stores.image.getState().choose('/images/iot.raw');
  first.stores.profile.getState().setEnabled(true);
  first.stores.profile.getState().update({ hostname: 'my-pi', userName: 'core', passwordHash: '$6$salt$hash', wifiSsid: 'Workshop', wifiPsk: 'secret passphrase', mergeConfig: '{"passwd":"x"}' });
  await first.stores.drives.getState().load();
  await first.stores.drives.getState().addByPath('/dev/loop7');
  first.stores.drives.getState().toggle('/dev/sdb');
  first.stores.ui.getState().goTo('drives');
  stop();

  const stored = storage.text();
  assert.ok(!stored.includes('secret passphrase'), 'no Wi-Fi passphrase in web storage');
  assert.ok(!stored.includes('passwd'), 'no merged Ignition config in web storage');
  assert.ok(stored.includes('$6$salt$hash'), 'the password is kept only as its hash');

  const again = appStores(files, 8 * GB);
  keepDraft(again.stores, storage);
  for (let i = 0; i < 20 && again.stores.drives.getState().selected.length < 2; i++) await settle();
  assert.equal(again.stores.ui.getState().step, 'drives');
  assert.equal(again.stores.image.getState().status, 'ready', 'the image was inspected again');
  const { enabled, form } = again.stores.profile.getState();
  assert.equal(enabled, true);
  assert.deepEqual({ hostname: form.hostname, userName: form.userName, passwordHash: form.passwordHash, wifiSsid: form.wifiSsid, wifiPsk: form.wifiPsk }, { hostname: 'my-pi', userName: 'core', passwordHash: '$6$salt$hash', wifiSsid: 'Workshop', wifiPsk: '' });
  assert.deepEqual(again.api.calls.filter((c) => c.channel === 'drives:resolve').map((c) => c.args), [{ path: '/dev/loop7' }], 'the added device was resolved again');
  assert.deepEqual(again.stores.drives.getState().selected, ['/dev/loop7', '/dev/sdb']);
});

test('draft: a restored drive that no longer fits the image comes back unticked', async () => {
  const storage = memoryStorage();
  const files = { '/images/small.raw': GB, '/images/big.raw': 4 * GB };
  const first = appStores(files, 2 * GB);
  keepDraft(first.stores, storage);
  await settle();
  await first.stores.image.getState().choose('/images/small.raw');
  await first.stores.drives.getState().addByPath('/dev/loop7');
  assert.deepEqual(first.stores.drives.getState().selected, ['/dev/loop7']);
  // The same draft, but the file on disk has grown since (another image under the same name).
  const again = appStores({ '/images/small.raw': 4 * GB }, 2 * GB);
  keepDraft(again.stores, storage);
  for (let i = 0; i < 20 && again.stores.drives.getState().added.length === 0; i++) await settle();
  await settle();
  assert.deepEqual(again.stores.drives.getState().added.map((d) => d.device), ['/dev/loop7'], 'shown');
  assert.deepEqual(again.stores.drives.getState().selected, [], 'never ticked');
});

test('draft: a damaged or foreign stored draft is ignored, and unknown form fields are dropped', () => {
  assert.equal(parseDraft(null), null);
  assert.equal(parseDraft('not json'), null);
  assert.equal(parseDraft('{"step":3}'), null);
  const draft = parseDraft(JSON.stringify({ step: 'drives', imageSource: 'file', imagePath: '/a.raw', addedTargets: [], selectedTargets: [], provisioning: { enabled: true, counterStart: -4, form: { hostname: 'pi', wifiPsk: 'leak', evil: 'x', wifiHidden: 'yes' } } }));
  assert.ok(draft);
  assert.equal(draft.provisioning.counterStart, null, 'a bad "start at" continues the series');
  assert.deepEqual(draft.provisioning.form, { ...emptyForm, hostname: 'pi' });
});

test('result: the ssh line and what the first-boot setup was, read from the job that was written', () => {
  const request = { source: '/a.raw', targets: ['/dev/sdb'], provisioning: { hostname: 'my-pi', users: [{ name: 'core', sshAuthorizedKeys: [], groups: ['wheel'] }] } };
  assert.deepEqual(firstBootWritten(request), { user: 'core', fetchedFrom: null });
  assert.equal(sshLine('core', 'my-pi'), 'ssh core@my-pi.local');
  assert.equal(firstBootWritten({ source: '/a.raw', targets: ['/dev/sdb'] }), null);
  assert.deepEqual(firstBootWritten({ ...request, provisioning: { ignitionUrl: 'https://example.org/c.ign' } }), { user: null, fetchedFrom: 'https://example.org/c.ign' });
});

const SITES = 'hostname,ip\r\nsite-pump-01,10.20.0.11/24\r\nsite-pump-02,10.20.0.12/24\r\n';

test('draft: the board and the device table survive a restart, checked again', async () => {
  const storage = memoryStorage();
  const first = appStores({}, GB);
  keepDraft(first.stores, storage);
  await settle();
  first.stores.catalog.getState().chooseBoard('rpi4');
  first.stores.profile.getState().setEnabled(true);
  first.stores.profile.getState().update({ userName: 'tech', sshKeys: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGlRWT7lbAZ0gZIcmXG6Im7RyjVS91cqjLsSUhGlbmPI tech@bench' });
  first.stores.fleet.getState().importTable(SITES, 'sites.csv', {});
  await settle();

  const again = appStores({}, GB);
  keepDraft(again.stores, storage);
  await settle();
  assert.equal(again.stores.catalog.getState().boardId, 'rpi4');
  const fleet = again.stores.fleet.getState();
  assert.deepEqual(fleet.table, { name: 'sites.csv', text: SITES });
  assert.deepEqual(fleet.tableDevices.map((d) => d.values.hostname), ['site-pump-01', 'site-pump-02']);
  assert.equal(fleet.tableLost, null);
});

test('draft: a table whose rows storage refused comes back as missing, and the write waits for it', async () => {
  const items = new Map<string, string>();
  // Web storage full for anything as long as the table: the draft is kept without its rows.
  const storage: DraftStorage = {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => {
      if (value.includes('site-pump-01')) throw new DOMException('quota', 'QuotaExceededError');
      items.set(key, value);
    },
  };
  const first = appStores({}, GB);
  keepDraft(first.stores, storage);
  await settle();
  first.stores.fleet.getState().importTable(SITES, 'sites.csv', {});
  await settle();

  const again = appStores({}, GB);
  keepDraft(again.stores, storage);
  await settle();
  const fleet = again.stores.fleet.getState();
  assert.equal(fleet.table, null);
  assert.equal(fleet.tableLost, 'sites.csv');
  assert.match(batchBlocker(fleet, 1) ?? '', /^The device table sites\.csv could not be brought back after the page reloaded.*import it again in the First boot step/);
  again.stores.fleet.getState().clearTable();
  assert.equal(batchBlocker(again.stores.fleet.getState(), 1), null, 'removing the table lets the write go on without it');
});

test('draft: a catalog image chosen to be written while it downloads is still chosen after a restart; a foreign URL is not', async () => {
  const storage = memoryStorage();
  const first = appStores({}, GB);
  keepDraft(first.stores, storage);
  await settle();
  const remote = { url: 'https://mirror.example/43/IoT/aarch64/images/Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz', sha256: 'a'.repeat(64), name: 'Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz', fileSize: 442_000_000, imageSize: 6_442_450_944, arch: 'aarch64' as const };
  first.stores.image.getState().chooseRemote(remote);
  await settle();

  const again = appStores({}, GB);
  keepDraft(again.stores, storage);
  await settle();
  assert.deepEqual(again.stores.image.getState().remote, remote);
  assert.equal(again.stores.image.getState().path, remote.url);

  const stored = JSON.parse(storage.getItem('fiot:draft')!) as Record<string, unknown>;
  assert.equal(parseDraft(JSON.stringify({ ...stored, remoteImage: { ...remote, url: 'file:///etc/shadow' } }))!.remoteImage, null);
});
