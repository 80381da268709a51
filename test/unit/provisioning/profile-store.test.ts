/**
 * The renderer's profile store against the real core router (no stubbed answers): the form maps
 * to the profile the core checks, problems come back naming the form field, the password never
 * leaves the store unhashed, and a flash request carries the profile only when it is switched on.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCore, type Core } from '../../../electron/core/app-core';
import { loadConfig } from '../../../electron/core/config';
import { emptyForm, fieldOf, formMessage, formToProfile, profileToForm } from '../../../renderer/src/features/provisioning/profile-form';
import { createProfileStore, type ProfileState } from '../../../renderer/src/features/provisioning/profile-store';
import type { FiotApi } from '../../../shared/contract';
import { FiotError } from '../../../shared/errors';
import { ED25519_KEY, RSA_KEY } from '../../helpers/ssh-keys';

let dir: string;
let core: Core;
const api: Pick<FiotApi, 'invoke'> = {
  async invoke(channel, args) {
    const reply = await core.router.handle(channel, args);
    if (!reply.ok) throw FiotError.from(reply.error);
    return reply.value as never;
  },
};

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-profile-store-'));
  core = createCore({ ...loadConfig({}), configDir: dir, cacheDir: dir });
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Waits for the debounced preview to arrive. */
async function previewed(store: ReturnType<typeof createProfileStore>): Promise<ProfileState['preview']> {
  for (let i = 0; i < 100 && (store.getState().previewing || !store.getState().preview); i++) await new Promise((r) => setTimeout(r, 20));
  return store.getState().preview;
}

describe('profile form mapping', () => {
  it('turns the form into a profile and back', () => {
    const form = { ...emptyForm, hostname: 'pi-{n}', userName: 'core', sshKeys: `${ED25519_KEY}\n\n# old key\n${RSA_KEY}`, wifiSsid: 'Lab', wifiPsk: '12345678', timezone: 'UTC', staticAddress: '10.0.0.2/24', staticDns: '1.1.1.1, 9.9.9.9' };
    const profile = formToProfile(form);
    assert.deepEqual(profile.users, [{ name: 'core', sshAuthorizedKeys: [ED25519_KEY, RSA_KEY], groups: ['wheel'] }]);
    assert.deepEqual(profile.staticIp, { address: '10.0.0.2/24', dns: ['1.1.1.1', '9.9.9.9'] });
    const back = profileToForm(profile);
    assert.equal(back.sshKeys, `${ED25519_KEY}\n${RSA_KEY}`);
    assert.equal(back.wifiSsid, 'Lab');
  });

  it('sends only the URL in URL and Zezere modes', () => {
    assert.deepEqual(formToProfile({ ...emptyForm, hostname: 'x', mode: 'url', ignitionUrl: ' https://a.example/c.ign ' }), { ignitionUrl: 'https://a.example/c.ign' });
    assert.deepEqual(formToProfile({ ...emptyForm, mode: 'zezere', zezereUrl: 'https://z.example/' }), { zezereUrl: 'https://z.example/' });
  });

  it('maps profile problems to form fields with readable messages', () => {
    assert.equal(fieldOf({ field: 'users.0.sshAuthorizedKeys.1', message: '' }), 'sshKeys');
    assert.equal(formMessage({ field: 'users.0.sshAuthorizedKeys.1', message: 'users.0.sshAuthorizedKeys.1: is empty' }), 'Key 2 is empty');
    assert.equal(fieldOf({ field: 'wifi.psk', message: '' }), 'wifiPsk');
    assert.equal(fieldOf({ field: 'mergeConfig.storage.files.0.path', message: '' }), 'mergeConfig');
  });
});

describe('profile store', () => {
  it('previews the config and the next names, and problems name their field', async () => {
    const store = createProfileStore(api);
    store.getState().setEnabled(true);
    store.getState().update({ hostname: 'cam-{n:02}', userName: 'core', sshKeys: ED25519_KEY });
    store.getState().setCounterStart(9);
    const preview = await previewed(store);
    assert.deepEqual(preview?.hostnames, ['cam-09', 'cam-10', 'cam-11']);
    assert.match(preview?.configText ?? '', /data:,cam-09%0A/);

    store.getState().update({ sshKeys: 'ssh-ed25519 AAAA' });
    await new Promise((r) => setTimeout(r, 200));
    const bad = await previewed(store);
    assert.deepEqual(bad?.problems.map(fieldOf), ['sshKeys']);
    assert.equal(bad?.configText, null);
  });

  it('keeps only the hash of a typed password', async () => {
    const store = createProfileStore(api);
    await store.getState().setPassword('s3cret pass');
    assert.match(store.getState().form.passwordHash, /^\$6\$/);
    assert.doesNotMatch(JSON.stringify(store.getState()), /s3cret/);
  });

  it('adds the keys of ~/.ssh to those typed, and says why a keys URL is refused', async () => {
    const home = path.join(dir, 'home');
    mkdirSync(path.join(home, '.ssh'), { recursive: true });
    writeFileSync(path.join(home, '.ssh', 'id_ed25519.pub'), `${ED25519_KEY}\n`);
    const realHome = process.env.HOME;
    const store = createProfileStore(api, { canReadLocalKeys: true });
    store.getState().update({ sshKeys: RSA_KEY });
    try {
      process.env.HOME = home;
      await store.getState().importLocalKeys();
    } finally {
      process.env.HOME = realHome;
    }
    assert.equal(store.getState().form.sshKeys, `${RSA_KEY}\n${ED25519_KEY}`);
    assert.equal(store.getState().keysNotice, 'Added 1 key from ~/.ssh (id_ed25519.pub).');
    assert.equal(await store.getState().importKeysFromUrl('http://github.com/someone.keys'), false);
    assert.equal(store.getState().error?.code, 'INVALID_INPUT');
    assert.match(store.getState().error?.message ?? '', /http addresses are refused/);
  });

  it('puts the profile into a flash request only when switched on, and a first number only when set', () => {
    const store = createProfileStore(api);
    store.getState().update({ hostname: 'a' });
    assert.deepEqual(store.getState().flashFields(), {});
    store.getState().setEnabled(true);
    assert.deepEqual(store.getState().flashFields(), { provisioning: { hostname: 'a' } }, 'without "start at" the series continues');
    store.getState().setCounterStart(5);
    assert.deepEqual(store.getState().flashFields(), { provisioning: { hostname: 'a' }, counterStart: 5 });
    store.getState().setCounterStart(null);
    assert.deepEqual(store.getState().flashFields(), { provisioning: { hostname: 'a' } });
  });

  it('previews the names from where the pattern’s series stands', async () => {
    await api.invoke('batch:set-series', { pattern: 'shelf-{n}', next: 41 });
    const store = createProfileStore(api);
    store.getState().setEnabled(true);
    store.getState().update({ hostname: 'shelf-{n}', userName: 'core', sshKeys: ED25519_KEY });
    assert.deepEqual((await previewed(store))?.hostnames, ['shelf-41', 'shelf-42', 'shelf-43']);
    assert.equal(store.getState().previewFrom, 41);
  });

  it('saves, loads and deletes named profiles', async () => {
    const store = createProfileStore(api);
    store.getState().update({ hostname: 'saved-{n}', userName: 'core', sshKeys: ED25519_KEY });
    assert.equal(await store.getState().save('Bench'), true);
    assert.deepEqual(store.getState().saved.map((p) => p.name), ['Bench']);
    const fresh = createProfileStore(api);
    await fresh.getState().loadSaved();
    fresh.getState().use('Bench');
    assert.equal(fresh.getState().form.hostname, 'saved-{n}');
    assert.equal(fresh.getState().enabled, true);
    await fresh.getState().remove('Bench');
    assert.deepEqual(fresh.getState().saved, []);
    assert.equal(await store.getState().save('x'.repeat(81)), false);
    assert.match(store.getState().error?.message ?? '', /name/);
  });
});
