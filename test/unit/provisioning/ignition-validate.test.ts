/**
 * Generated configs through Debian's ignition-validate (Ignition 2.14, spec 3.0-3.3): the check
 * Ignition itself runs at first boot, independent of our own validator.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateIgnition, ignitionText, profileSchema, validateIgnition, type ProfileInput } from '../../../shared/provisioning';
import { hashPassword } from '../../../electron/core/provision/password-hash';
import { ED25519_KEY, RSA_KEY } from '../../helpers/ssh-keys';
import { ignitionValidate } from '../../helpers/ignition-validate';
import { commandsSkipReason } from '../../helpers/system';

const skip = commandsSkipReason('ignition-validate') ?? false;

const profiles: Record<string, ProfileInput> = {
  'user and hostname': { hostname: 'fleet-{n:03}', users: [{ name: 'core', passwordHash: await hashPassword('pw'), sshAuthorizedKeys: [ED25519_KEY, RSA_KEY], groups: ['wheel'] }] },
  'Wi-Fi (hidden, SAE)': { wifi: { ssid: 'Lab; Net', psk: 'correct horse', security: 'sae', hidden: true } },
  'static IPv4': { staticIp: { address: '10.1.2.3/16', gateway: '10.1.0.1', dns: ['10.1.0.53'] } },
  'bootc switch': { bootcSwitch: 'quay.io/fedora/fedora-bootc:42' },
  'merge a config': { mergeConfig: JSON.stringify({ ignition: { version: '3.3.0' }, storage: { files: [{ path: '/etc/merged', contents: { source: 'data:,merged' } }] } }) },
  timezone: { timezone: 'America/Argentina/Buenos_Aires' },
  'everything at once': {
    hostname: 'pi-{n}', users: [{ name: 'core', sshAuthorizedKeys: [ED25519_KEY] }], wifi: { ssid: 'x', psk: '12345678' },
    timezone: 'UTC', staticIp: { address: '192.168.0.9/24' }, files: [{ path: '/etc/motd', contents: 'hi # 100%\n', mode: 0o600 }],
    units: [{ name: 'hello.service', enabled: true, contents: '[Service]\nExecStart=/usr/bin/true\n[Install]\nWantedBy=multi-user.target\n' }],
    bootcSwitch: 'quay.io/fedora/fedora-iot:42',
  },
};

describe('generated configs pass ignition-validate', { skip }, () => {
  for (const [name, input] of Object.entries(profiles)) {
    it(name, () => {
      const config = generateIgnition(profileSchema.parse(input), 12);
      assert.deepEqual(validateIgnition(config), []);
      const { status, output } = ignitionValidate(ignitionText(config));
      assert.equal(status, 0, output);
    });
  }

  it('ignition-validate and our validator both reject a relative path and an unknown version', () => {
    const relative = { ignition: { version: '3.3.0' }, storage: { files: [{ path: 'etc/motd' }] } };
    const unknown = { ignition: { version: '9.9.9' } };
    for (const config of [relative, unknown]) {
      assert.notEqual(ignitionValidate(JSON.stringify(config)).status, 0);
      assert.notDeepEqual(validateIgnition(config), []);
    }
  });
});
