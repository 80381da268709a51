import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { buildConfigToml, tomlString } from '../../../electron/core/build/build-config-toml';
import { customizationsFromProfile } from '../../../electron/core/build/build-customizations';
import { FiotError } from '../../../shared/errors';
import { commandsSkipReason } from '../../helpers/system';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJq51cKG27S1GBP6RtuemcduqecDwZCvuehLE4nyqW7U tech@bench';
const HASH = '$6$rounds=4096$saltsalt$3xL3Ykbh2yUjU5mtLqTBL/iZbUVNVDHgJC6OXv3eJ2xvJWb5tf3Zhh0BQE1zsgTfFTg7sTUxaYnA/5cPMyBfp.';

/** Parses TOML with Python's tomllib: a real parser, not ours, decides whether the file is valid. */
function parseToml(text: string): Record<string, unknown> {
  const out = execFileSync('python3', ['-c', 'import sys, tomllib, json; print(json.dumps(tomllib.loads(sys.stdin.read())))'], { input: text, encoding: 'utf8' });
  return JSON.parse(out) as Record<string, unknown>;
}
const noPython = commandsSkipReason('python3');

test('strings are escaped so any value survives a TOML parser', { skip: noPython ?? false }, () => {
  const nasty = 'quote " backslash \\ newline \n tab \t bell \u0007 del \u007f unicode é 🚀';
  const parsed = parseToml(`v = ${tomlString(nasty)}\n`);
  assert.equal(parsed.v, nasty);
});

test('a profile becomes users, kernel arguments and an embedded Ignition config', { skip: noPython ?? false }, () => {
  const profile = { hostname: 'pi-{n:02}', users: [{ name: 'core', passwordHash: HASH, sshAuthorizedKeys: [KEY, KEY.replace('tech@bench', 'second@key')], groups: ['wheel'] }], timezone: 'Europe/Berlin' };
  const toml = buildConfigToml(customizationsFromProfile(profile, 'console=ttyS0,115200 quiet', 7));
  const parsed = parseToml(toml) as { customizations: { user: Array<Record<string, unknown>>; kernel: { append: string }; ignition: { embedded: { config: string } } } };
  const [user] = parsed.customizations.user;
  assert.equal(user?.name, 'core');
  assert.equal(user?.password, HASH);
  assert.equal(user?.key, `${KEY}\n${KEY.replace('tech@bench', 'second@key')}`);
  assert.deepEqual(user?.groups, ['wheel']);
  assert.equal(parsed.customizations.kernel.append, 'console=ttyS0,115200 quiet');
  const ignition = JSON.parse(Buffer.from(parsed.customizations.ignition.embedded.config, 'base64').toString('utf8')) as {
    ignition: { version: string }; passwd: { users: Array<{ name: string; sshAuthorizedKeys: string[] }> }; storage: { files: Array<{ path: string; contents: { source: string } }> };
  };
  assert.equal(ignition.ignition.version, '3.3.0');
  assert.deepEqual(ignition.passwd.users[0]?.sshAuthorizedKeys[0], KEY);
  const hostname = ignition.storage.files.find((f) => f.path === '/etc/hostname');
  assert.equal(decodeURIComponent(hostname!.contents.source.replace(/^data:,/, '')), 'pi-07\n');
});

test('an Ignition URL profile becomes the first-boot URL, and nothing is embedded', { skip: noPython ?? false }, () => {
  const parsed = parseToml(buildConfigToml(customizationsFromProfile({ ignitionUrl: 'https://provision.example.com/pi.ign' }))) as { customizations: Record<string, Record<string, Record<string, string>>> };
  assert.deepEqual(parsed.customizations.ignition, { firstboot: { url: 'https://provision.example.com/pi.ign' } });
});

test('bad settings are refused with the field named, before any build', () => {
  assert.throws(() => customizationsFromProfile({ users: [{ name: 'Core!' }] }), (e: unknown) => e instanceof FiotError && e.code === 'INVALID_INPUT' && /users\.0\.name/.test(e.message));
  assert.throws(() => customizationsFromProfile({ zezereUrl: 'https://zezere.example.com' }), (e: unknown) => e instanceof FiotError && e.code === 'ZEZERE_UNSUPPORTED' && /Ignition config or an Ignition URL/.test(e.hint));
  assert.throws(() => buildConfigToml({ ignitionConfig: { ignition: { version: '3.3.0' } }, ignitionUrl: 'https://x.example/c.ign' }), (e: unknown) => e instanceof FiotError && /not both/.test(e.message));
});

test('no profile, no config', () => {
  assert.deepEqual(customizationsFromProfile(undefined), { users: [] });
});
