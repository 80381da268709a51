import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyForm, formToProfile } from '../../../renderer/src/features/provisioning/profile-form';
import { checkProfile, sshKeyProblem } from '../../../shared/provisioning';
import { ECDSA_KEY, ED25519_KEY, RSA_KEY } from '../../helpers/ssh-keys';

describe('sshKeyProblem', () => {
  it('accepts real ed25519, rsa and ecdsa public keys, with or without a comment', () => {
    for (const key of [ED25519_KEY, RSA_KEY, ECDSA_KEY, ED25519_KEY.split(' ').slice(0, 2).join(' ')]) {
      assert.equal(sshKeyProblem(key), null, key.slice(0, 30));
    }
  });

  it('refuses a key whose data was cut', () => {
    const [type, data] = ED25519_KEY.split(' ');
    assert.match(sshKeyProblem(`${type} ${data!.slice(0, 20)}`) ?? '', /cut|base64/);
  });

  it('refuses a key whose prefix does not match the type inside its data', () => {
    const data = ED25519_KEY.split(' ')[1];
    assert.match(sshKeyProblem(`ssh-rsa ${data}`) ?? '', /says ssh-rsa but its data is a ssh-ed25519 key/);
  });

  it('refuses unknown types, private keys, empty and multi-line input', () => {
    assert.match(sshKeyProblem('ssh-dss AAAAB3NzaC1kc3M=') ?? '', /not a key type/);
    assert.match(sshKeyProblem('-----BEGIN OPENSSH PRIVATE KEY-----') ?? '', /private key/);
    assert.match(sshKeyProblem('  ') ?? '', /empty/);
    assert.match(sshKeyProblem(`${ED25519_KEY}\n${RSA_KEY}`) ?? '', /one line/);
    assert.match(sshKeyProblem('ssh-ed25519 not*base64') ?? '', /base64/);
  });
});

describe('a private key pasted into the SSH keys field', () => {
  // The shape of a PuTTY key file (its lines stand in for key data) and of an OpenSSH key's body pasted alone.
  const putty = ['PuTTY-User-Key-File-3: ssh-ed25519', 'Encryption: none', 'Comment: maya@laptop', 'Public-Lines: 2', 'AAAAC3NzaC1lZDI1NTE5AAAAIBpeQmVtYWtlLWJlbGlldmUta2V5', 'LWZvci10ZXN0cy1vbmx5', 'Private-Lines: 1', 'AAAAIGZha2UtcHJpdmF0ZS1zY2FsYXItZm9yLXRlc3Rz', 'Private-MAC: 8f1e2d3c4b5a69788796a5b4c3d2e1f0'].join('\n');
  const body = ['b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', 'QyNTUxOQAAACBmYWtlLXB1YmxpYy1rZXktZm9yLXRlc3RzLW9ubHkAAACYZmFrZS1wcml2'].join('\n');

  it('is one problem, in words, with none of its lines', () => {
    for (const pasted of [putty, body]) {
      const { problems } = checkProfile(formToProfile({ ...emptyForm, userName: 'maya', sshKeys: pasted }));
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.match(problems[0]!.message, /is a private key: never share it\. Use the matching \.pub file/);
      for (const line of pasted.split('\n').filter((l) => l.length >= 12 && !l.startsWith('PuTTY'))) {
        assert.ok(!problems[0]!.message.includes(line.slice(0, 12)), `“${line.slice(0, 12)}” is not echoed`);
      }
    }
  });

  it('a line that is not a key is not echoed unless it looks like a key type', () => {
    assert.equal(sshKeyProblem('QyNTUxOQAAACCdI4FrcmUDicx5vv/l22zVXt0MnA'), 'does not start with a key type (ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, …)');
    assert.match(sshKeyProblem('ssh-ed2551 AAAA') ?? '', /^starts with “ssh-ed2551”, not a key type/);
  });
});
