import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sshKeyProblem } from '../../../shared/provisioning';
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
