/**
 * A secure download stays secure: an https URL that redirects to plain http is refused, for the
 * image and for its CHECKSUM file, and nothing is fetched over http. `fiot-flash download` runs as
 * a user runs it; a self-signed certificate for 127.0.0.1 (made with openssl) is trusted through
 * NODE_EXTRA_CA_CERTS, and an https → https redirect succeeding proves that trust works, so the
 * refusals are about the downgrade and not about TLS.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { resultLine } from '../../helpers/cli-json';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { runCli } from '../../helpers/run-cli';
import { commandsSkipReason } from '../../helpers/system';
import { FEDORA_CHECKSUM, FEDORA_IMAGE, randomImage, tempImages, type TempImages } from './setup';

const skip = commandsSkipReason('openssl') ?? false;
const image = randomImage(256 * 1024);
let plain: ImageServer;
let secure: https.Server;
let secureBase: string;
let certDir: string;
let temp: TempImages;

/** Redirects: /to-http/<name> → the plain server, /to-https/<name> → /files/<name> here; /files/<name> serves the image. */
function startSecure(cert: Buffer, key: Buffer): Promise<https.Server> {
  const server = https.createServer({ cert, key }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const [, kind, name] = url.pathname.split('/');
    if (kind === 'to-http') res.writeHead(302, { location: plain.url(`/${name}`) }).end();
    else if (kind === 'to-https') res.writeHead(302, { location: `/files/${name}` }).end();
    else if (kind === 'files') res.writeHead(200, { 'content-length': image.body.length }).end(image.body);
    else res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

before(async () => {
  if (skip) return;
  certDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', path.join(certDir, 'key.pem'), '-out', path.join(certDir, 'cert.pem')], { stdio: 'ignore' });
  plain = await startImageServer({ [`/${FEDORA_IMAGE}`]: image.body, '/plain.raw': image.body, [`/${FEDORA_CHECKSUM}`]: Buffer.from(`SHA256 (${FEDORA_IMAGE}) = ${image.sha256}\n`) });
  secure = await startSecure(readFileSync(path.join(certDir, 'cert.pem')), readFileSync(path.join(certDir, 'key.pem')));
  secureBase = `https://127.0.0.1:${(secure.address() as AddressInfo).port}`;
  temp = tempImages();
});
after(async () => {
  await plain?.close();
  await new Promise((resolve) => (secure ? secure.close(resolve) : resolve(undefined)));
  temp?.dispose();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

async function download(args: string[]) {
  const run = await runCli(['download', ...args, '--json'], { FIOT_CACHE_DIR: temp.cacheDir, FIOT_CONFIG_DIR: temp.root, NODE_EXTRA_CA_CERTS: path.join(certDir, 'cert.pem') });
  return { ...run, last: resultLine(run.stdout) };
}

test('an https → https redirect downloads (the test certificate is trusted)', { skip }, async () => {
  const run = await download([`${secureBase}/to-https/plain.raw`, '--sha256', image.sha256]);
  assert.equal(run.code, 0, `${run.stderr}\n${JSON.stringify(run.last)}`);
});

test('an https image URL redirected to http is refused with INSECURE_REDIRECT and nothing is fetched over http', { skip }, async () => {
  plain.requests.length = 0;
  // No --sha256: the same bytes are already cached from the test above and would be found by it.
  const run = await download([`${secureBase}/to-http/plain.raw`]);
  assert.equal(run.code, 1);
  assert.equal(run.last.error?.code, 'INSECURE_REDIRECT', JSON.stringify(run.last));
  assert.match(run.last.error!.message, /not https/);
  assert.deepEqual(plain.requests, [], 'the http server was never asked');
});

test('a Fedora image whose CHECKSUM file redirects to http is refused with INSECURE_REDIRECT, not downloaded', { skip }, async () => {
  plain.requests.length = 0;
  // The image itself is served over https; only its CHECKSUM (same folder, /to-http/) is downgraded.
  const run = await download([`${secureBase}/to-http/${FEDORA_IMAGE}`, '--insecure-skip-signature']);
  assert.equal(run.code, 1);
  assert.equal(run.last.error?.code, 'INSECURE_REDIRECT', JSON.stringify(run.last));
  assert.match(run.last.error!.message, /CHECKSUM/);
  assert.deepEqual(plain.requests, []);
});
