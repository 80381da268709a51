/**
 * First boot that cannot be misread: the plain summary shown above the JSON, whether a card has
 * any way to log in, the preview with its secrets masked (the card's bytes are not), and keys
 * imported next to those already typed, each once. The preview is the core's real one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyForm, formToProfile, type ProfileForm } from '../../../renderer/src/features/provisioning/profile-form';
import { hasLogin, profileSummary } from '../../../renderer/src/features/provisioning/profile-summary';
import { withKeys } from '../../../renderer/src/features/provisioning/profile-store';
import { checkProfile, fromDataUrl, maskIgnitionSecrets, previewIgnition, SECRET_MASK } from '../../../shared/provisioning';
import { ECDSA_KEY, ED25519_KEY } from '../../helpers/ssh-keys';

const HASH = '$6$rounds=5000$salt$' + 'a'.repeat(86);
const form: ProfileForm = {
  ...emptyForm, hostname: 'my-pi', userName: 'core', sshKeys: ED25519_KEY, passwordHash: HASH,
  wifiSsid: 'Workshop', wifiPsk: 'correct horse battery', timezone: 'Europe/Paris',
};

describe('the plain summary', () => {
  it('says what the card gets in one sentence, the passphrase hidden', () => {
    assert.equal(profileSummary(form), 'User core, 1 SSH key, password set, hostname my-pi, Wi-Fi Workshop (passphrase hidden), time zone Europe/Paris');
    assert.doesNotMatch(profileSummary(form), /correct horse/);
  });

  it('uses the expanded name of the first card and says when there is no login', () => {
    const numbered = { ...emptyForm, hostname: 'pi-{n:02}', wifiSsid: 'Lab', wifiSecurity: 'none' as const };
    assert.equal(profileSummary(numbered, { firstHostname: 'pi-01' }), 'No user (no way to log in), hostname pi-01, Wi-Fi Lab (open network)');
    assert.equal(profileSummary({ ...emptyForm, userName: 'core' }), 'User core with no password and no SSH key, hostname unchanged');
    assert.equal(profileSummary({ ...emptyForm, mode: 'url', ignitionUrl: 'https://cfg.example/a.ign' }), 'Config fetched from https://cfg.example/a.ign at first boot');
  });

  it('tells the Write step every setting too: its own names for the cards, a fixed address and the check-in', () => {
    const fixed = { ...form, staticAddress: '192.168.1.50/24' };
    assert.equal(
      profileSummary(fixed, { naming: 'hostname my-pi (the same name on every card)', checkin: true }),
      'User core, 1 SSH key, password set, hostname my-pi (the same name on every card), Wi-Fi Workshop (passphrase hidden), time zone Europe/Paris, fixed address 192.168.1.50/24, reports to this computer when it comes up',
    );
    assert.doesNotMatch(profileSummary(fixed, { checkin: false }), /reports/);
  });
});

describe('a way to log in', () => {
  it('needs first boot on with a password or an SSH key (or a config from elsewhere)', () => {
    assert.equal(hasLogin(false, form), false, 'first boot off: Fedora IoT has no default user');
    assert.equal(hasLogin(true, { ...emptyForm, userName: 'core' }), false);
    assert.equal(hasLogin(true, { ...emptyForm, sshKeys: `# old key\n${ED25519_KEY}` }), true);
    assert.equal(hasLogin(true, { ...emptyForm, passwordHash: HASH }), true);
    assert.equal(hasLogin(true, { ...emptyForm, mode: 'url', ignitionUrl: 'https://cfg.example/a.ign' }), true);
  });
});

describe('the masked preview', () => {
  it('hides the password hash and the Wi-Fi passphrase, and changes nothing else', () => {
    const { profile } = checkProfile(formToProfile(form));
    const { text } = previewIgnition(profile!, 1);
    assert.match(text, /correct horse battery|correct%20horse%20battery/, 'the real config carries the passphrase');
    const masked = maskIgnitionSecrets(text);
    assert.doesNotMatch(masked, /correct/);
    assert.ok(!masked.includes(HASH));
    const shown = JSON.parse(masked) as { passwd: { users: Array<{ passwordHash: string; sshAuthorizedKeys: string[] }> }; storage: { files: Array<{ path: string; contents: { source: string } }> } };
    assert.equal(shown.passwd.users[0]!.passwordHash, SECRET_MASK);
    assert.deepEqual(shown.passwd.users[0]!.sshAuthorizedKeys, [ED25519_KEY], 'public keys are not secrets');
    const wifi = shown.storage.files.find((f) => f.path.endsWith('wifi-Workshop.nmconnection'))!;
    assert.match(fromDataUrl(wifi.contents.source)!, /^psk=\*{8}$/m);
    assert.match(fromDataUrl(wifi.contents.source)!, /^ssid=Workshop$/m);
    const real = JSON.parse(text) as typeof shown;
    assert.deepEqual({ ...shown, passwd: real.passwd, storage: real.storage }, real, 'only the secrets differ');
    assert.equal(shown.storage.files.find((f) => f.path === '/etc/hostname')!.contents.source, real.storage.files.find((f) => f.path === '/etc/hostname')!.contents.source);
  });

  it('shows nothing rather than text it cannot mask', () => {
    assert.equal(maskIgnitionSecrets('{"passwd": '), '');
  });
});

describe('imported keys', () => {
  it('go after the typed ones, each once', () => {
    assert.deepEqual(withKeys(`${ED25519_KEY}\n`, [ED25519_KEY, ECDSA_KEY, ECDSA_KEY]), { text: `${ED25519_KEY}\n${ECDSA_KEY}`, added: 1 });
    assert.deepEqual(withKeys('', [ECDSA_KEY]), { text: ECDSA_KEY, added: 1 });
  });
});
