import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BOOTC_SWITCH_UNIT, checkProfile, fromDataUrl, generateIgnition, plansForRun, profileSchema, type IgnitionConfig, type ProfileInput,
} from '../../../shared/provisioning';
import { ED25519_KEY, RSA_KEY } from '../../helpers/ssh-keys';

const profile = (input: ProfileInput) => profileSchema.parse(input);
const fileAt = (config: IgnitionConfig, path: string) => config.storage?.files?.find((f) => f.path === path);
const textAt = (config: IgnitionConfig, path: string) => fromDataUrl(fileAt(config, path)!.contents.source);

describe('generateIgnition', () => {
  it('writes spec 3.3.0 with the card’s own hostname, mode 0644 in decimal', () => {
    const config = generateIgnition(profile({ hostname: 'fleet-{n:03}' }), 2);
    assert.equal(config.ignition.version, '3.3.0');
    assert.equal(fileAt(config, '/etc/hostname')!.mode, 420);
    assert.equal(textAt(config, '/etc/hostname'), 'fleet-002\n');
  });

  it('puts users with keys, groups and a crypt hash into passwd', () => {
    const config = generateIgnition(profile({ users: [{ name: 'core', passwordHash: '$6$salt$abc', sshAuthorizedKeys: [ED25519_KEY, RSA_KEY], groups: ['wheel'] }] }), 1);
    assert.deepEqual(config.passwd!.users, [{ name: 'core', passwordHash: '$6$salt$abc', sshAuthorizedKeys: [ED25519_KEY, RSA_KEY], groups: ['wheel'] }]);
  });

  it('writes a Wi-Fi keyfile for NetworkManager, mode 0600, with the PSK and hidden flag', () => {
    const config = generateIgnition(profile({ wifi: { ssid: 'Lab Net', psk: 'hunter2hunter2', security: 'sae', hidden: true } }), 1);
    const path = '/etc/NetworkManager/system-connections/wifi-Lab_Net.nmconnection';
    assert.equal(fileAt(config, path)!.mode, 384);
    const keyfile = textAt(config, path)!;
    assert.match(keyfile, /^\[connection\]\nid=Lab Net\ntype=wifi\n/);
    assert.match(keyfile, /\[wifi\]\nmode=infrastructure\nssid=Lab Net\nhidden=true\n/);
    assert.match(keyfile, /\[wifi-security\]\nkey-mgmt=sae\npsk=hunter2hunter2\n/);
  });

  it('writes an open network without a security section', () => {
    const config = generateIgnition(profile({ wifi: { ssid: 'cafe', security: 'none' } }), 1);
    assert.doesNotMatch(textAt(config, '/etc/NetworkManager/system-connections/wifi-cafe.nmconnection')!, /wifi-security/);
  });

  it('writes a static IPv4 keyfile for the wired port', () => {
    const config = generateIgnition(profile({ staticIp: { address: '192.168.1.50/24', gateway: '192.168.1.1', dns: ['1.1.1.1', '9.9.9.9'], interface: 'eth0' } }), 1);
    const keyfile = textAt(config, '/etc/NetworkManager/system-connections/wired-static.nmconnection')!;
    assert.match(keyfile, /interface-name=eth0/);
    assert.match(keyfile, /\[ipv4\]\nmethod=manual\naddress1=192.168.1.50\/24,192.168.1.1\ndns=1.1.1.1;9.9.9.9;\n/);
  });

  it('links /etc/localtime to the time zone', () => {
    const config = generateIgnition(profile({ timezone: 'Europe/Berlin' }), 1);
    assert.deepEqual(config.storage!.links, [{ path: '/etc/localtime', target: '/usr/share/zoneinfo/Europe/Berlin', hard: false, overwrite: true }]);
  });

  it('adds a once-only bootc switch unit that reboots', () => {
    const config = generateIgnition(profile({ bootcSwitch: 'quay.io/fedora/fedora-iot:42' }), 1);
    const unit = config.systemd!.units.find((u) => u.name === BOOTC_SWITCH_UNIT)!;
    assert.equal(unit.enabled, true);
    assert.match(unit.contents!, /ExecStart=\/usr\/bin\/bootc switch quay.io\/fedora\/fedora-iot:42/);
    assert.match(unit.contents!, /ConditionPathExists=!\/var\/lib\/fiot-flasher\/bootc-switch.done/);
    assert.match(unit.contents!, /systemctl --no-block reboot/);
  });

  it('merges the user’s config as a percent-encoded data: URL', () => {
    const merge = '{"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/etc/a#b","contents":{"source":"data:,100%25"}}]}}';
    const config = generateIgnition(profile({ mergeConfig: merge }), 1);
    const source = config.ignition.config!.merge[0]!.source;
    assert.doesNotMatch(source.slice('data:,'.length), /[#%](?![0-9A-F]{2})|[{}" ]/);
    assert.equal(fromDataUrl(source), merge);
  });

  it('encodes file contents so #, %, ? and newlines survive', () => {
    const text = 'line 1 # not a fragment\n100% ? yes\n';
    const config = generateIgnition(profile({ files: [{ path: '/etc/motd', contents: text }] }), 1);
    assert.equal(textAt(config, '/etc/motd'), text);
    assert.equal(fileAt(config, '/etc/motd')!.mode, 420);
  });
});

describe('checkProfile and plansForRun', () => {
  it('names the field of every problem', () => {
    const { problems } = checkProfile({
      hostname: 'bad_name', users: [{ name: 'Core', passwordHash: 'hunter2', sshAuthorizedKeys: ['ssh-rsa AAAA'] }],
      wifi: { ssid: 'x', psk: 'short' }, timezone: 'not a zone', bootcSwitch: 'not an image', files: [{ path: 'etc/motd', contents: '' }],
      units: [{ name: 'hello' }], staticIp: { address: '10.0.0.300/24' },
    });
    const fields = problems.map((p) => p.field).sort();
    assert.deepEqual(fields, ['bootcSwitch', 'files.0.path', 'hostname', 'staticIp.address', 'timezone', 'units.0.name',
      'users.0.name', 'users.0.passwordHash', 'users.0.sshAuthorizedKeys.0', 'wifi.psk'].sort());
    for (const p of problems) assert.ok(p.message.startsWith(`${p.field}: `), p.message);
    assert.match(problems.find((p) => p.field === 'users.0.passwordHash')!.message, /never a plain password/);
  });

  it('refuses a misspelt time zone, accepts IANA names and aliases', () => {
    assert.match(checkProfile({ timezone: 'Europe/Berln' }).problems[0]!.message, /^timezone: is not a time zone/);
    for (const zone of ['Europe/Berlin', 'UTC', 'Asia/Calcutta', 'Etc/GMT+5']) assert.deepEqual(checkProfile({ timezone: zone }).problems, [], zone);
  });

  it('refuses a merge config that is not JSON or that Ignition would reject', () => {
    assert.match(checkProfile({ mergeConfig: '{nope' }).problems[0]!.message, /^mergeConfig: is not valid JSON/);
    const relative = checkProfile({ mergeConfig: '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"etc/x"}]}}' });
    assert.match(relative.problems[0]!.message, /^mergeConfig: storage\.files\.0\.path: .* must be an absolute path/);
    const version = checkProfile({ mergeConfig: '{"ignition":{"version":"2.2.0"}}' });
    assert.match(version.problems[0]!.message, /^mergeConfig: ignition\.version: "2\.2\.0" is not a spec version/);
  });

  it('keeps URL and Zezere modes apart from generated settings', () => {
    assert.match(checkProfile({ ignitionUrl: 'https://cfg.example/x.ign', hostname: 'a' }).problems[0]!.message, /^ignitionUrl: .*hostname would be ignored/);
    assert.match(checkProfile({ ignitionUrl: 'ftp://x' }).problems[0]!.message, /^ignitionUrl: must be an http/);
    assert.match(checkProfile({ ignitionUrl: 'https://a.example/x', zezereUrl: 'https://b.example' }).problems[0]!.field, /zezereUrl/);
  });

  it('gives each card of a run its own config, counting from counterStart', () => {
    const { plans } = plansForRun({ hostname: 'fleet-{n:03}', users: [{ name: 'core', sshAuthorizedKeys: [ED25519_KEY] }] }, 3, 7);
    assert.deepEqual(plans!.map((p) => (p.mode === 'config' ? p.hostname : null)), ['fleet-007', 'fleet-008', 'fleet-009']);
    const config = JSON.parse(plans![1]!.mode === 'config' ? plans![1]!.configText : '{}');
    assert.equal(fromDataUrl(config.storage.files[0].contents.source), 'fleet-008\n');
  });

  it('plans URL mode and Zezere mode without a generated config', () => {
    assert.deepEqual(plansForRun({ ignitionUrl: 'https://cfg.example/x.ign' }, 1).plans, [{ mode: 'url', url: 'https://cfg.example/x.ign' }]);
    assert.deepEqual(plansForRun({ zezereUrl: 'https://provision.example/' }, 1).plans, [{ mode: 'zezere', url: 'https://provision.example/' }]);
  });

  it('refuses an empty profile', () => {
    assert.match(plansForRun({}, 1).problems[0]!.message, /asks for nothing to set up/);
  });
});
