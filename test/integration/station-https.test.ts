/**
 * Off this machine the token must not travel in clear text: the station then serves HTTPS with a
 * self-signed certificate made once with openssl, its key private to the user, and prints the
 * certificate's SHA-256 fingerprint so a person can check it against the browser's.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { get as httpGet } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { createCore } from '../../electron/core/app-core';
import { certificateFolder, stationCertificate, type StationCertificate } from '../../electron/core/station-certificate';
import { startStation, type Station } from '../../electron/station/server';
import { callApi } from '../helpers/station-client';
import { spawnStation } from '../helpers/station-process';
import { commandsSkipReason, rootSkipReason } from '../helpers/system';
import { ciSkip } from '../helpers/skip';

const opensslSkip = commandsSkipReason('openssl') ?? false;
const fingerprintPattern = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/;

/** A private network namespace: the station may bind every address there without reaching any network. */
function isolatedNetworkSkip(): string | false {
  const root = rootSkipReason('for a private network namespace (unshare -n)');
  if (root) return root;
  try {
    execFileSync('unshare', ['-n', 'true'], { stdio: 'pipe' });
    return false;
  } catch {
    return ciSkip('unshare -n is not available here');
  }
}

function fetchPinned(url: string, ca: string): Promise<{ status: number; cookie: string }> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ca }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cookie: String(res.headers['set-cookie'] ?? '') }));
    }).on('error', reject);
  });
}

describe('the station’s certificate', { skip: opensslSkip }, () => {
  const configDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-station-cert-'));
  after(() => rmSync(configDir, { recursive: true, force: true }));

  it('is made once, names the addresses, keeps its key 0600 in a 0700 folder, and is reused', async () => {
    const first = await stationCertificate(configDir, ['127.0.0.1', '::1', '192.0.2.10']);
    const folder = certificateFolder(configDir);
    assert.equal(statSync(folder).mode & 0o777, 0o700);
    assert.equal(statSync(path.join(folder, 'key.pem')).mode & 0o777, 0o600);
    const certificate = new X509Certificate(readFileSync(path.join(folder, 'cert.pem')));
    assert.match(first.fingerprint, fingerprintPattern);
    assert.equal(first.fingerprint, certificate.fingerprint256);
    assert.match(certificate.subjectAltName ?? '', /IP Address:192\.0\.2\.10/);
    assert.equal(certificate.checkPrivateKey(createPrivateKey(first.key)), true);
    const again = await stationCertificate(configDir, ['127.0.0.1', '::1', '192.0.2.10']);
    assert.equal(again.fingerprint, first.fingerprint, 'the same certificate from run to run');
    const moved = await stationCertificate(configDir, ['127.0.0.1', '::1', '192.0.2.11']);
    assert.notEqual(moved.fingerprint, first.fingerprint, 'a new address gets a certificate naming it');
  });
});

describe('the station over HTTPS', { skip: opensslSkip }, () => {
  const configDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-station-tls-'));
  let certificate: StationCertificate;
  let station: Station;
  before(async () => {
    certificate = await stationCertificate(configDir, ['127.0.0.1', '::1']);
    writeFileSync(path.join(configDir, 'index.html'), '<!doctype html><title>Fedora IoT Flasher</title>');
    station = await startStation({ core: createCore(), rendererDir: configDir, tls: { cert: certificate.cert, key: certificate.key } });
  });
  after(async () => {
    await station.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  it('prints an https URL, serves with the pinned certificate, and its cookie is Secure', async () => {
    assert.match(station.url, /^https:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const page = await fetchPinned(station.url, certificate.cert);
    assert.equal(page.status, 200);
    assert.match(page.cookie, /HttpOnly; SameSite=Strict; Secure/);
  });

  it('says nothing in clear text: a plain http request gets no answer', async () => {
    await assert.rejects(new Promise((resolve, reject) => httpGet(`http://127.0.0.1:${station.port}/?token=${station.token}`, resolve).on('error', reject)));
  });

  it('answers the API over wss', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${station.port}/api?token=${station.token}`, { ca: certificate.cert });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    try {
      assert.equal((await callApi(ws, 1, 'history:list', {})).ok, true);
    } finally {
      ws.close();
    }
  });
});

describe('fiot-flash station --listen beyond this machine', () => {
  it('warns loudly, serves HTTPS only and prints the fingerprint of the certificate it keeps', { skip: opensslSkip || isolatedNetworkSkip() }, async () => {
    const station = await spawnStation({ args: ['--listen', '0.0.0.0'], wrapper: ['unshare', '-n'] });
    try {
      assert.match(station.url, /^https:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
      const certificate = new X509Certificate(readFileSync(path.join(certificateFolder(station.configDir), 'cert.pem')));
      const stderr = station.stderr();
      assert.match(stderr, /WARNING: listening on 0\.0\.0\.0: anyone on that network who has the URL can write cards/);
      assert.ok(stderr.includes(certificate.fingerprint256), `the printed fingerprint is the certificate's: ${stderr}`);
      assert.equal(statSync(path.join(certificateFolder(station.configDir), 'key.pem')).mode & 0o777, 0o600);
    } finally {
      assert.equal(await station.stop(), 0);
    }
  });

  it('without openssl, refuses to start and says what to do', async () => {
    await assert.rejects(spawnStation({ args: ['--listen', '0.0.0.0'], env: { PATH: '/nonexistent' } }), /needs HTTPS, and openssl .* is not installed[\s\S]*Install openssl/);
  });
});
