import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { hashPassword } from '../../../electron/core/provision/password-hash';
import { PASSWORD_MAX_BYTES } from '../../../shared/provisioning';
import { commandsSkipReason } from '../../helpers/system';

describe('hashPassword (sha512-crypt)', () => {
  it('matches the reference vector of the sha512-crypt specification', async () => {
    // Drepper's "Unix crypt using SHA-256 and SHA-512", first test vector (default 5000 rounds).
    assert.equal(await hashPassword('Hello world!', 'saltstring'),
      '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1');
  });

  it('makes a fresh random 16-character salt each time', async () => {
    const a = await hashPassword('secret');
    const b = await hashPassword('secret');
    assert.match(a, /^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    assert.notEqual(a, b);
  });

  it('refuses an empty password', async () => {
    await assert.rejects(hashPassword(''), /password: is empty/);
  });

  it('refuses a password longer than Fedora\'s crypt() takes, counted in UTF-8 bytes', async () => {
    await assert.rejects(hashPassword('x'.repeat(PASSWORD_MAX_BYTES + 1)), /longer than 511 bytes/);
    // 256 two-byte characters: 512 bytes, one too many, though only 256 characters.
    await assert.rejects(hashPassword('é'.repeat(256)), /longer than 511 bytes/);
  });

  it('agrees with openssl passwd -6 on random passwords', { skip: commandsSkipReason('openssl') ?? false }, async () => {
    for (const password of ['correct horse battery staple', 'ünïcødé✓', 'x'.repeat(100)]) {
      const salt = 'Ab3./xyzQ';
      const expected = execFileSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], { input: password, encoding: 'utf8' }).trim();
      assert.equal(await hashPassword(password, salt), expected);
    }
  });

  it('agrees with the system\'s crypt() at the longest password it takes, and refuses where it fails', { skip: commandsSkipReason('/usr/bin/python3') ?? false }, async () => {
    // openssl passwd truncates long passwords; Debian's libxcrypt (through Python's crypt module) does not.
    const systemCrypt = (password: string) => execFileSync('/usr/bin/python3', ['-W', 'ignore', '-c',
      'import crypt, sys; print(crypt.crypt(sys.stdin.read(), "$6$Ab3./xyzQ"))'], { input: password, encoding: 'utf8' }).trim();
    const longest = 'y'.repeat(PASSWORD_MAX_BYTES);
    assert.equal(await hashPassword(longest, 'Ab3./xyzQ'), systemCrypt(longest));
    assert.match(systemCrypt(`${longest}y`), /^\*/, 'libxcrypt fails one byte beyond the bound');
    await assert.rejects(hashPassword(`${longest}y`, 'Ab3./xyzQ'), /longer than 511 bytes/);
  });
});
