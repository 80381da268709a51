/**
 * Importing SSH public keys for first boot: from a ~/.ssh folder (only valid .pub keys, never a
 * private key or a big file), and from a GitHub-style keys URL served by a real loopback HTTPS
 * server with a self-signed certificate, trusted through the fetch's `ca` option: https only,
 * size-capped, every line checked.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fetchPublicKeys, MAX_KEYS_BYTES } from '../../../electron/core/ssh-keys/fetch-keys';
import { listLocalPublicKeys } from '../../../electron/core/ssh-keys/local-keys';
import { FiotError } from '../../../shared/errors';
import { startLoopbackHttps, type LoopbackHttps } from '../../helpers/loopback-https';
import { ECDSA_KEY, ED25519_KEY, RSA_KEY } from '../../helpers/ssh-keys';
import { commandsSkipReason } from '../../helpers/system';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-ssh-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function rejectsWith(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof FiotError && error.code === code && message.test(error.message));
}

describe('keys in ~/.ssh', () => {
  it('lists the valid public keys of *.pub files only, with their file names', async () => {
    const ssh = path.join(dir, 'ssh');
    mkdirSync(ssh);
    writeFileSync(path.join(ssh, 'id_ed25519.pub'), `${ED25519_KEY}\n`);
    writeFileSync(path.join(ssh, 'id_rsa.pub'), `${RSA_KEY}\n\n`);
    writeFileSync(path.join(ssh, 'id_ed25519'), '-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n-----END OPENSSH PRIVATE KEY-----\n');
    writeFileSync(path.join(ssh, 'broken.pub'), 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMnoEkZFkFq\n');
    writeFileSync(path.join(ssh, 'huge.pub'), `${ED25519_KEY}\n`.repeat(1000));
    symlinkSync('/etc/passwd', path.join(ssh, 'link.pub'));
    assert.deepEqual(await listLocalPublicKeys(ssh), [
      { file: 'id_ed25519.pub', key: ED25519_KEY },
      { file: 'id_rsa.pub', key: RSA_KEY },
    ]);
  });

  it('answers an empty list when there is no ~/.ssh', async () => {
    assert.deepEqual(await listLocalPublicKeys(path.join(dir, 'no-such-folder')), []);
  });
});

describe('keys from an https URL', { skip: commandsSkipReason('openssl') ?? false }, () => {
  let server: LoopbackHttps;
  let base: string;
  let cert: string;
  const bodies: Record<string, string> = {
    '/tech.keys': `${ED25519_KEY}\n${ECDSA_KEY}\nnot a key at all\n`,
    '/nobody.keys': '\n',
    '/big.keys': 'x'.repeat(MAX_KEYS_BYTES + 1),
  };

  before(async () => {
    server = await startLoopbackHttps(dir, (req, res) => {
      const body = bodies[req.url ?? ''];
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/plain' }).end(body ?? 'not found');
    });
    ({ base, cert } = server);
  });
  after(() => server.close());

  it('returns each valid key and counts the lines that are not keys', async () => {
    assert.deepEqual(await fetchPublicKeys(`${base}/tech.keys`, { ca: cert }), { keys: [ED25519_KEY, ECDSA_KEY], skipped: 1 });
  });

  it('refuses a server whose certificate is not trusted', async () => {
    await rejectsWith(fetchPublicKeys(`${base}/tech.keys`), 'NETWORK', /^Could not fetch .*: its certificate could not be verified \(self[- ]signed certificate/);
  });

  it('refuses http, a missing page, an empty list and an oversized answer, each with its reason', async () => {
    await rejectsWith(fetchPublicKeys(base.replace('https:', 'http:') + '/tech.keys', { ca: cert }), 'INVALID_INPUT', /^http addresses are refused/);
    await rejectsWith(fetchPublicKeys('github.com/tech.keys'), 'INVALID_INPUT', /is not a web address/);
    await rejectsWith(fetchPublicKeys(`${base}/missing.keys`, { ca: cert }), 'NETWORK', /answered HTTP 404/);
    await rejectsWith(fetchPublicKeys(`${base}/nobody.keys`, { ca: cert }), 'INVALID_INPUT', /holds no SSH public key/);
    await rejectsWith(fetchPublicKeys(`${base}/big.keys`, { ca: cert }), 'INVALID_INPUT', /more than 64 KiB/);
  });
});
