/**
 * A private key given where the public key belongs, as a tester did (`--ssh-key @mayakey` printed
 * five 40-character pieces of the private key): keys made by the real ssh-keygen (OpenSSH and PEM),
 * given as a file, as a saved profile, and as pasted lines; each is refused (exit 2) with
 * "is a private key: never share it", and nothing of the key's body appears in any output.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, type CliRun } from '../../helpers/run-cli';
import { commandsSkipReason } from '../../helpers/system';

const skip = commandsSkipReason('ssh-keygen') ?? false;

/** Every 12-character piece of the key's body lines: none may appear in what the command printed. */
function assertNothingOf(key: string, run: CliRun): void {
  const output = run.stdout + run.stderr;
  const body = key.split('\n').filter((line) => line && !line.startsWith('-----'));
  for (const line of body) {
    for (let at = 0; at + 12 <= line.length; at += 6) assert.ok(!output.includes(line.slice(at, at + 12)), `a piece of the private key was printed:\n${output}`);
  }
}

describe('fiot-flash refuses a private key given as an SSH public key', { skip }, () => {
  let dir: string;
  let env: Record<string, string>;
  const keys: Record<string, string> = {};

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-private-key-'));
    env = { FIOT_CONFIG_DIR: path.join(dir, 'config') };
    for (const [name, args] of [['mayakey', ['-t', 'ed25519']], ['pem-rsa', ['-t', 'rsa', '-b', '2048', '-m', 'PEM']], ['ecdsa', ['-t', 'ecdsa']]] as const) {
      execFileSync('ssh-keygen', ['-q', ...args, '-N', '', '-C', 'maya@laptop', '-f', path.join(dir, name)]);
      keys[name] = readFileSync(path.join(dir, name), 'utf8');
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--ssh-key @FILE: one message naming the file, nothing of the key', async () => {
    for (const name of Object.keys(keys)) {
      const run = await runCli(['ignition', '--ssh-key', `@${path.join(dir, name)}`, '--user', 'maya'], env);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, new RegExp(`--ssh-key @${path.join(dir, name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is a private key: never share it\\. Use the matching \\.pub file \\(e\\.g\\. ~/\\.ssh/id_ed25519\\.pub\\)`));
      assert.equal(run.stderr.match(/private key/g)?.length, 1, `said once:\n${run.stderr}`);
      assertNothingOf(keys[name]!, run);
      assert.equal(run.stdout, '', 'no config is printed');
    }
    // The matching .pub file is taken.
    const pub = await runCli(['ignition', '--ssh-key', `@${path.join(dir, 'mayakey.pub')}`, '--user', 'maya'], env);
    assert.equal(pub.code, 0, pub.stderr);
  });

  it('a profile holding a pasted private key, and pasted lines of its body: refused, nothing echoed', async () => {
    const profile = path.join(dir, 'profile.json');
    writeFileSync(profile, JSON.stringify({ users: [{ name: 'maya', sshAuthorizedKeys: keys.mayakey!.trim().split('\n') }] }));
    const fromProfile = await runCli(['ignition', '--profile', profile, '--json'], env);
    assert.equal(fromProfile.code, 2, fromProfile.stderr);
    assert.match(fromProfile.stdout + fromProfile.stderr, /is a private key: never share it/);
    assertNothingOf(keys.mayakey!, fromProfile);

    const body = keys.mayakey!.split('\n').filter((line) => line && !line.startsWith('-----'));
    const pasted = await runCli(['ignition', '--user', 'maya', ...body.flatMap((line) => ['--ssh-key', line])], env);
    assert.equal(pasted.code, 2, pasted.stderr);
    assert.match(pasted.stderr, /is a private key: never share it/);
    assertNothingOf(keys.mayakey!, pasted);
  });
});
