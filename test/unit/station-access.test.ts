import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { checkToken, cookieName, hostAllowed, originAllowed } from '../../electron/station/access';
import { readStaticFile, safeFilePath } from '../../electron/station/static-files';
import { createToken, tokenMatches } from '../../electron/station/token';

const request = (cookie?: string) => ({ headers: cookie ? { cookie } : {} }) as IncomingMessage;
const url = (query: string) => new URL(`http://127.0.0.1:8000/${query}`);

describe('station token', () => {
  it('is 32 url-safe characters from 24 random bytes, different each time', () => {
    const a = createToken();
    assert.match(a, /^[A-Za-z0-9_-]{32}$/);
    assert.notEqual(a, createToken());
  });

  it('matches only itself, whatever the length given', () => {
    const token = createToken();
    assert.equal(tokenMatches(token, token), true);
    assert.equal(tokenMatches(token.slice(0, -1), token), false);
    assert.equal(tokenMatches(token + 'x', token), false);
    assert.equal(tokenMatches('', token), false);
    assert.equal(tokenMatches(null, token), false);
  });

  it('answers 401 without a token, 403 with a wrong one, and accepts the token in the query', () => {
    const credentials = { token: createToken(), assetPass: createToken() };
    const status = (decision: ReturnType<typeof checkToken>) => (decision.ok ? 200 : decision.status);
    assert.equal(status(checkToken(request(), url(''), credentials, 8000, 'file')), 401);
    assert.equal(status(checkToken(request(), url('?token=nope'), credentials, 8000, 'file')), 403);
    assert.equal(status(checkToken(request(`${cookieName(8000)}=nope`), url(''), credentials, 8000, 'file')), 403);
    assert.deepEqual(checkToken(request(), url(`?token=${credentials.token}`), credentials, 8000, 'file'), { ok: true, fromQuery: true });
    assert.deepEqual(checkToken(request(), url(`api?token=${credentials.token}`), credentials, 8000, 'api'), { ok: true, fromQuery: true });
  });

  it('the cookie holds an asset pass that opens the app\'s files only, never the socket or an upload', () => {
    const credentials = { token: createToken(), assetPass: createToken() };
    const cookie = `a=b; ${cookieName(8000)}=${credentials.assetPass}`;
    assert.deepEqual(checkToken(request(cookie), url('assets/x.js'), credentials, 8000, 'file'), { ok: true, fromQuery: false });
    assert.equal(checkToken(request(cookie), url('api'), credentials, 8000, 'api').ok, false);
    assert.equal(checkToken(request(cookie), url('upload/x.raw'), credentials, 8000, 'upload').ok, false);
    // The token in a cookie (what the station once set) opens nothing either.
    assert.equal(checkToken(request(`${cookieName(8000)}=${credentials.token}`), url('assets/x.js'), credentials, 8000, 'file').ok, false);
  });

  it('takes an upload\'s token from the upload header only', () => {
    const credentials = { token: createToken(), assetPass: createToken() };
    const withHeader = (value: string) => ({ headers: { 'x-fiot-upload': value } }) as unknown as IncomingMessage;
    assert.deepEqual(checkToken(withHeader(credentials.token), url('upload/x.raw'), credentials, 8000, 'upload'), { ok: true, fromQuery: false });
    assert.equal(checkToken(withHeader('nope'), url('upload/x.raw'), credentials, 8000, 'upload').ok, false);
    assert.equal(checkToken(request(), url(`upload/x.raw?token=${credentials.token}`), credentials, 8000, 'upload').ok, false);
  });

  it('does not accept another station’s cookie', () => {
    const credentials = { token: createToken(), assetPass: createToken() };
    assert.equal(checkToken(request(`${cookieName(9000)}=${credentials.assetPass}`), url(''), credentials, 8000, 'file').ok, false);
  });
});

describe('Host header (DNS rebinding)', () => {
  it('answers its loopback addresses and localhost on its own port', () => {
    for (const host of ['127.0.0.1:8000', 'localhost:8000', 'LOCALHOST:8000', '[::1]:8000']) assert.equal(hostAllowed(host, '127.0.0.1', 8000, false), true, host);
  });

  it('refuses a website’s name, another port, a missing or malformed Host', () => {
    for (const host of ['rebind.example:8000', 'rebind.example', '127.0.0.1:8001', '127.0.0.1', '127.0.0.1:8000/x', 'user@127.0.0.1:8000', '', undefined]) {
      assert.equal(hostAllowed(host, '127.0.0.1', 8000, false), false, String(host));
    }
  });

  it('takes the scheme’s default port when Host names none', () => {
    assert.equal(hostAllowed('127.0.0.1', '127.0.0.1', 80, false), true);
    assert.equal(hostAllowed('127.0.0.1', '127.0.0.1', 443, true), true);
  });

  it('answers the listen address when one is given, and on every address each interface’s own', () => {
    assert.equal(hostAllowed('192.168.1.5:8000', '192.168.1.5', 8000, true), true);
    assert.equal(hostAllowed('192.168.1.6:8000', '192.168.1.5', 8000, true), false);
    const own = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (own) assert.equal(hostAllowed(`${own.address}:8000`, '0.0.0.0', 8000, true), true);
    assert.equal(hostAllowed('192.0.2.77:8000', '0.0.0.0', 8000, true), false);
  });
});

describe('WebSocket origin', () => {
  it('accepts the station’s own loopback origins on its port', () => {
    assert.equal(originAllowed('http://127.0.0.1:8000', '127.0.0.1', 8000, false), true);
    assert.equal(originAllowed('http://localhost:8000', '127.0.0.1', 8000, false), true);
    assert.equal(originAllowed('https://192.168.1.5:8000', '192.168.1.5', 8000, true), true);
  });

  it('refuses other sites, other ports, the other scheme and rebound names', () => {
    assert.equal(originAllowed('http://evil.example', '127.0.0.1', 8000, false), false);
    assert.equal(originAllowed('http://127.0.0.1:8001', '127.0.0.1', 8000, false), false);
    assert.equal(originAllowed('https://127.0.0.1:8000', '127.0.0.1', 8000, false), false);
    assert.equal(originAllowed('http://192.168.1.5:8000', '192.168.1.5', 8000, true), false);
    assert.equal(originAllowed('http://rebind.example:8000', '0.0.0.0', 8000, false), false);
    assert.equal(originAllowed('null', '127.0.0.1', 8000, false), false);
  });

  it('lets clients that send no Origin (scripts) through: they still need the token', () => {
    assert.equal(originAllowed(undefined, '127.0.0.1', 8000, false), true);
  });
});

describe('static files', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-static-'));
  const root = path.join(dir, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'secret.txt'), 'secret');
  symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the page at / and assets with their content types', async () => {
    assert.equal((await readStaticFile(root, '/'))?.contentType, 'text/html; charset=utf-8');
    assert.equal((await readStaticFile(root, '/'))?.isPage, true);
    assert.equal((await readStaticFile(root, '/assets/app.js'))?.contentType, 'text/javascript; charset=utf-8');
  });

  it('never leaves the folder: .., encoded dots and slashes, backslashes, NUL, symlinks', async () => {
    for (const attempt of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/..%5csecret.txt', '/assets/app.js%00.html', '/%E0%A4%A', '/assets/link.txt']) {
      assert.equal(await readStaticFile(root, attempt), null, attempt);
    }
    assert.equal(safeFilePath(root, '/../secret.txt'), null);
  });

  it('answers null for a missing file or a folder', async () => {
    assert.equal(await readStaticFile(root, '/missing.js'), null);
    assert.equal(await readStaticFile(root, '/assets'), null);
  });
});
