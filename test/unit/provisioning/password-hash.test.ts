import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { hashPassword } from '../../../electron/core/provision/password-hash';
import { commandsSkipReason } from '../../helpers/system';

describe('hashPassword (sha512-crypt)', () => {
  it('matches the reference vector of the sha512-crypt specification', () => {
    // Drepper's "Unix crypt using SHA-256 and SHA-512", first test vector (default 5000 rounds).
    assert.equal(hashPassword('Hello world!', 'saltstring'),
      '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1');
  });

  it('makes a fresh random 16-character salt each time', () => {
    const a = hashPassword('secret');
    const b = hashPassword('secret');
    assert.match(a, /^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    assert.notEqual(a, b);
  });

  it('refuses an empty password', () => {
    assert.throws(() => hashPassword(''), /password: is empty/);
  });

  it('agrees with openssl passwd -6 on random passwords', { skip: commandsSkipReason('openssl') ?? false }, () => {
    for (const password of ['correct horse battery staple', 'ünïcødé✓', 'x'.repeat(100)]) {
      const salt = 'Ab3./xyzQ';
      const expected = execFileSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], { input: password, encoding: 'utf8' }).trim();
      assert.equal(hashPassword(password, salt), expected);
    }
  });
});
