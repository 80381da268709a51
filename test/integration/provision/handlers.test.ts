/**
 * The provisioning channels through the real router, as the renderer and the station reach them:
 * preview with per-field problems, hashing, saved profiles on disk, applying to an image file.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCore, type Core } from '../../../electron/core/app-core';
import { loadConfig } from '../../../electron/core/config';
import { provisionFixture } from '../../helpers/provision-fixture';
import { debugfs } from '../../helpers/boot-partition';
import { ED25519_KEY } from '../../helpers/ssh-keys';
import { commandsSkipReason } from '../../helpers/system';

let dir: string;
let core: Core;

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-provision-handlers-'));
  core = createCore({ ...loadConfig({}), configDir: path.join(dir, 'config'), cacheDir: path.join(dir, 'cache') }, { imageFolders: [dir] });
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Replies as the renderer sees them; `value` is loosely typed because tests read many shapes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Reply = { ok: boolean; value?: any; error?: { code: string; message: string } };

async function call(channel: string, payload: unknown): Promise<Reply> {
  return (await core.router.handle(channel, payload)) as Reply;
}

describe('provision:preview', () => {
  it('returns the exact config text and the next hostnames', async () => {
    const reply = await call('provision:preview', { profile: { hostname: 'cam-{n:02}', users: [{ name: 'core', sshAuthorizedKeys: [ED25519_KEY] }] }, counterStart: 9, count: 3 });
    assert.equal(reply.ok, true);
    assert.deepEqual(reply.value.hostnames, ['cam-09', 'cam-10', 'cam-11']);
    assert.equal(reply.value.mode, 'config');
    assert.match(reply.value.configText, /"version": "3.3.0"/);
    assert.match(reply.value.configText, /data:,cam-09%0A/);
  });

  it('returns problems as data, naming each field', async () => {
    const reply = await call('provision:preview', { profile: { hostname: 'no_underscores', users: [{ name: 'core', sshAuthorizedKeys: ['ssh-ed25519 AAAA'] }] } });
    assert.equal(reply.ok, true);
    assert.equal(reply.value.configText, null);
    assert.deepEqual(reply.value.problems.map((p: { field: string }) => p.field).sort(), ['hostname', 'users.0.sshAuthorizedKeys.0']);
  });
});

describe('provision:hash-password', () => {
  it('answers a sha512-crypt hash, never the password', async () => {
    const reply = await call('provision:hash-password', { password: 'hunter2' });
    assert.match(reply.value.hash, /^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    assert.doesNotMatch(reply.value.hash, /hunter2/);
  });
});

describe('saved profiles', () => {
  const profile = { hostname: 'lab-{n}', users: [{ name: 'core', sshAuthorizedKeys: [ED25519_KEY], groups: ['wheel'] }], timezone: 'Europe/Berlin' };

  it('saves, lists, exports, deletes and imports again', async () => {
    const saved = await call('profiles:save', { name: 'Lab Pis', profile });
    assert.equal(saved.ok, true, JSON.stringify(saved.error));
    assert.deepEqual(readdirSync(path.join(dir, 'config', 'profiles')).length, 1);
    const listed = await call('profiles:list', {});
    assert.deepEqual(listed.value.profiles.map((p: { name: string }) => p.name), ['Lab Pis']);
    assert.equal(listed.value.profiles[0].profile.timezone, 'Europe/Berlin');

    const exported = await call('profiles:export', { name: 'lab pis' });
    assert.equal(exported.ok, true, JSON.stringify(exported.error));
    assert.equal(JSON.parse(exported.value.text).format, 'fiot-profile/1');
    assert.match(exported.value.fileName, /\.fiot-profile\.json$/);

    assert.equal((await call('profiles:delete', { name: 'Lab Pis' })).value.deleted, true);
    assert.deepEqual((await call('profiles:list', {})).value.profiles, []);
    const imported = await call('profiles:import', { text: exported.value.text });
    assert.equal(imported.value.saved.name, 'Lab Pis');
    assert.equal((await call('profiles:list', {})).value.profiles.length, 1);
  });

  it('refuses to save or import a bad profile, naming the field', async () => {
    const bad = await call('profiles:save', { name: 'bad', profile: { hostname: 'a_b' } });
    assert.equal(bad.ok, false);
    assert.match(bad.error!.message, /profile\.hostname/);
    const notJson = await call('profiles:import', { text: '{oops' });
    assert.equal(notJson.error!.code, 'INVALID_INPUT');
    assert.match(notJson.error!.message, /not valid JSON/);
    const badKey = await call('profiles:import', { text: JSON.stringify({ name: 'x', profile: { users: [{ name: 'core', sshAuthorizedKeys: ['ssh-rsa AAAA'] }] } }) });
    assert.match(badKey.error!.message, /users\.0\.sshAuthorizedKeys\.0/);
  });
});

describe('provision:apply', { skip: commandsSkipReason('debugfs', 'sfdisk', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'openssl') ?? false }, () => {
  it('provisions an image file with the card’s own hostname', async () => {
    const source = await provisionFixture({ layout: 'gpt' });
    const file = path.join(dir, 'apply.img');
    copyFileSync(source.path, file);
    assert.equal((await call('drives:resolve', { path: file })).ok, true, 'the image file is handed out first');
    const reply = await call('provision:apply', { target: file, profile: { hostname: 'edge-{n:03}', users: [{ name: 'core', sshAuthorizedKeys: [ED25519_KEY] }] }, counterStart: 4 });
    assert.equal(reply.ok, true, JSON.stringify(reply.error));
    assert.equal(reply.value.hostname, 'edge-004');
    const boot = source.partitions.find((p) => p.label === 'boot')!;
    assert.match(debugfs(file, boot, 'cat /ignition/config.ign'), /data:,edge-004%0A/);
  });

  it('refuses a target the core never handed out, and leaves it unchanged', async () => {
    const source = await provisionFixture({ layout: 'gpt' });
    const outside = mkdtempSync(path.join(os.tmpdir(), 'fiot-provision-outside-'));
    try {
      const file = path.join(outside, 'other.img');
      copyFileSync(source.path, file);
      const before = readFileSync(file);
      const reply = await call('provision:apply', { target: file, profile: { hostname: 'edge-1' } });
      assert.equal(reply.error!.code, 'PERMISSION_DENIED');
      assert.ok(readFileSync(file).equals(before));
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses a bad profile before opening the target', async () => {
    const card = path.join(dir, 'untouched.img');
    copyFileSync((await provisionFixture({ layout: 'gpt' })).path, card);
    const before = readFileSync(card);
    const reply = await call('provision:apply', { target: card, profile: { hostname: '-x' } });
    assert.equal(reply.error!.code, 'INVALID_INPUT');
    assert.match(reply.error!.message, /^hostname: /);
    assert.ok(readFileSync(card).equals(before), 'the card is unchanged');
  });
});
