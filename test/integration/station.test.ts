/**
 * The station for real: a loopback HTTP server and WebSocket, the core's router behind it, and the
 * same checks a browser would meet (token on the page, its assets and the socket; origin).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { driveSchema } from '../../shared/domain/drive';
import { createCore } from '../../electron/core/app-core';
import { startStation, type Station } from '../../electron/station/server';
import { createLoopDisk } from '../helpers/loop';
import { loopSkipReason } from '../helpers/system';
import { optionalSkip } from '../helpers/skip';

const root = path.resolve(import.meta.dirname, '../..');

function rendererFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-station-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Fedora IoT Flasher</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(path.join(dir, 'assets', 'app.js'), 'export {};');
  return dir;
}

/** Opens a socket; resolves with it once open, or with the HTTP status that refused it. */
function connect(url: string, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

/** Sends one request and waits for the reply carrying its id, collecting pushed events meanwhile. */
function call(ws: WebSocket, id: number, channel: string, args: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const message = JSON.parse(data.toString()) as Record<string, unknown>;
      if (message.id === id) {
        ws.off('message', onMessage);
        resolve(message);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, channel, args }));
  });
}

describe('station', () => {
  const renderer = rendererFolder();
  const core = createCore();
  let station: Station;
  let base: string;
  before(async () => {
    station = await startStation({ core, rendererDir: renderer });
    base = `http://127.0.0.1:${station.port}`;
  });
  after(async () => {
    await station.close();
    rmSync(renderer, { recursive: true, force: true });
  });

  it('prints a loopback URL carrying a long token', () => {
    assert.match(station.url, new RegExp(`^http://127\\.0\\.0\\.1:${station.port}/\\?token=[A-Za-z0-9_-]{32}$`));
  });

  it('refuses the page without the token (401) and with a wrong one (403)', async () => {
    const missing = await fetch(`${base}/`);
    assert.equal(missing.status, 401);
    assert.doesNotMatch(await missing.text(), /Fedora IoT Flasher/);
    assert.equal((await fetch(`${base}/?token=wrong`)).status, 403);
    assert.equal((await fetch(`${base}/assets/app.js`)).status, 401);
  });

  it('serves the page with its token, a strict CSP, and a cookie that opens its assets', async () => {
    const page = await fetch(station.url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Fedora IoT Flasher/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'.*script-src 'self'/);
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
    assert.match(page.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Strict/);
    const asset = await fetch(`${base}/assets/app.js`, { headers: { cookie } });
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
  });

  it('keeps path traversal inside the renderer folder', async () => {
    for (const attempt of ['/assets/../../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd']) {
      const response = await fetch(`${base}${attempt}?token=${station.token}`);
      assert.equal(response.status, 404, attempt);
      assert.doesNotMatch(await response.text(), /root:/);
    }
  });

  it('refuses the API socket without the token (401), with a wrong one (403), and from a foreign origin (403)', async () => {
    assert.equal(await connect(`ws://127.0.0.1:${station.port}/api`), 401);
    assert.equal(await connect(`ws://127.0.0.1:${station.port}/api?token=wrong`), 403);
    assert.equal(await connect(`ws://127.0.0.1:${station.port}/api?token=${station.token}`, { Origin: 'http://evil.example' }), 403);
  });

  it('answers drives:list over the socket, validated, system drives only when asked', async () => {
    const ws = await connect(`ws://127.0.0.1:${station.port}/api?token=${station.token}`, { Origin: base });
    assert.ok(ws instanceof WebSocket);
    try {
      const reply = await call(ws, 1, 'drives:list', {});
      assert.equal(reply.ok, true);
      const drives = (reply.value as { drives: unknown[] }).drives.map((d) => driveSchema.parse(d));
      assert.ok(drives.every((d) => !d.isSystem));
      const all = await call(ws, 2, 'drives:list', { all: true });
      const allDrives = (all.value as { drives: Array<{ isSystem: boolean; mountpoints: string[] }> }).drives;
      const rootDrive = allDrives.find((d) => d.mountpoints.includes('/'));
      if (rootDrive) assert.equal(rootDrive.isSystem, true);
      const invalid = await call(ws, 3, 'drives:list', { all: 'yes' });
      assert.equal(invalid.ok, false);
      assert.equal((invalid.error as { code: string }).code, 'INVALID_INPUT');
      const unknown = await call(ws, 4, 'nope:nothing', {});
      assert.equal((unknown.error as { code: string }).code, 'USAGE');
    } finally {
      ws.close();
    }
  });

  it('refuses to read its own ~/.ssh keys for a browser that may be on another machine', async () => {
    const ws = await connect(`ws://127.0.0.1:${station.port}/api?token=${station.token}`, { Origin: base });
    assert.ok(ws instanceof WebSocket);
    try {
      const reply = await call(ws, 1, 'ssh-keys:local', {});
      assert.equal(reply.ok, false);
      assert.equal((reply.error as { code: string }).code, 'USAGE');
      assert.match((reply.error as { message: string }).message, /not offered by the station/);
      assert.equal((await core.router.handle('ssh-keys:local', {})).ok, true, 'the desktop app (the router itself) still offers it');
    } finally {
      ws.close();
    }
  });

  it('pushes core events to connected sockets', async () => {
    const ws = await connect(`ws://127.0.0.1:${station.port}/api?token=${station.token}`);
    assert.ok(ws instanceof WebSocket);
    try {
      const pushed = new Promise<Record<string, unknown>>((resolve) => ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as Record<string, unknown>)));
      core.events.emit('drives:changed', { drives: [] });
      assert.deepEqual(await pushed, { event: 'drives:changed', payload: { drives: [] } });
    } finally {
      ws.close();
    }
  });

  it('answers a malformed message with an error instead of closing', async () => {
    const ws = await connect(`ws://127.0.0.1:${station.port}/api?token=${station.token}`);
    assert.ok(ws instanceof WebSocket);
    try {
      const reply = new Promise<Record<string, unknown>>((resolve) => ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as Record<string, unknown>)));
      ws.send('not json');
      assert.equal(((await reply).error as { code: string }).code, 'INVALID_INPUT');
    } finally {
      ws.close();
    }
  });

  it('resolves a named loop device over the socket', { skip: loopSkipReason() ?? false }, async () => {
    const disk = createLoopDisk(8 * 1024 * 1024);
    const ws = await connect(`ws://127.0.0.1:${station.port}/api?token=${station.token}`);
    assert.ok(ws instanceof WebSocket);
    try {
      const reply = await call(ws, 1, 'drives:resolve', { path: disk.device });
      assert.equal(reply.ok, true);
      const { drive } = reply.value as { drive: { device: string; kind: string; size: number; backingFile: string } };
      assert.deepEqual([drive.device, drive.kind, drive.size, drive.backingFile], [disk.device, 'loop', 8 * 1024 * 1024, disk.backingFile]);
    } finally {
      ws.close();
      disk.dispose();
    }
  });

  it('is not reachable on the machine’s other addresses', async (t) => {
    const external = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (!external) return t.skip(optionalSkip('this machine has no non-loopback IPv4 address'));
    await assert.rejects(fetch(`http://${external.address}:${station.port}/?token=${station.token}`));
  });
});

describe('station start-up problems, explained', () => {
  it('a port already in use', async () => {
    const first = await startStation({ core: createCore(), rendererDir: os.tmpdir() });
    try {
      await assert.rejects(startStation({ core: createCore(), port: first.port }), (e: Error & { code?: string; hint?: string }) => e.code === 'PREFLIGHT_FAILED' && /already in use/.test(e.message) && /--port/.test(e.hint ?? ''));
    } finally {
      await first.close();
    }
  });

  it('an address that is not this machine’s (192.0.2.1 is reserved for documentation)', async () => {
    await assert.rejects(startStation({ core: createCore(), listen: '192.0.2.1' }), (e: Error & { code?: string }) => e.code === 'INVALID_INPUT' && /192\.0\.2\.1 is not an address of this machine/.test(e.message));
  });
});

describe('fiot-flash station (the command)', () => {
  it('prints its URL on 127.0.0.1, serves with the token, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), 'station', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /Station ready: (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`station exited early with ${code}: ${out}`)));
      });
      const bare = url.replace(/\?.*$/, '');
      assert.equal((await fetch(bare)).status, 401);
      assert.notEqual((await fetch(url)).status, 401);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses a bad --port with exit 2', async () => {
    const child = spawn(process.execPath, [path.join(root, 'bin/fiot-flash.mjs'), 'station', '--port', 'eighty'], { cwd: root });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(err, /--port takes a port number/);
  });
});
