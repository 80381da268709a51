/**
 * The Electron shell's promises, checked on the built bundles (dist/electron/*.cjs) loaded in plain
 * Node against a recording stand-in for the electron module (test/helpers/fake-electron.ts): no
 * Electron binary can run here. Real Electron runs are covered by test/e2e/electron.test.ts
 * wherever its binary exists.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { writeDiskImage } from '../helpers/disk-image';
import { createFakeElectron, requireWithFakeElectron, FakeWebContents, type FakeElectron } from '../helpers/fake-electron';

const root = path.resolve(import.meta.dirname, '../..');
const mainBundle = path.join(root, 'dist', 'electron', 'main.cjs');
const preloadBundle = path.join(root, 'dist', 'electron', 'preload.cjs');

type Invoke = (event: unknown, ...args: unknown[]) => Promise<unknown> | unknown;

describe('Electron main process (bundle)', () => {
  const fake: FakeElectron = createFakeElectron();
  let window: FakeElectron['windows'][number];
  let trusted: { sender: FakeWebContents; senderFrame: { url: string } };

  before(async () => {
    if (!existsSync(mainBundle) || !existsSync(preloadBundle)) execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'pipe' });
    delete process.env.FIOT_WRITER_ENTRY;
    requireWithFakeElectron(mainBundle, fake);
    await fake.ready;
    window = fake.windows[0]!;
    trusted = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
  });

  it('opens one window, isolated and sandboxed, on the built page', () => {
    assert.equal(fake.windows.length, 1);
    const prefs = window.options.webPreferences as Record<string, unknown>;
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.webSecurity, true);
    assert.ok(existsSync(prefs.preload as string), 'the preload bundle exists');
    assert.ok(existsSync(fileURLToPath(window.url)), `the page exists: ${window.url}`);
    assert.equal(window.url, 'file://' + path.join(root, 'dist', 'renderer', 'index.html'));
  });

  it('points the flash pipeline at the bundled writer', () => {
    assert.equal(process.env.FIOT_WRITER_ENTRY, path.join(root, 'dist', 'writer', 'main.cjs'));
    assert.ok(existsSync(process.env.FIOT_WRITER_ENTRY!));
  });

  it('answers contract requests from its own window through the router', async () => {
    const invoke = fake.ipcHandlers.get('fiot:invoke') as Invoke;
    // A path the renderer was never given (not picked in the dialog, not in the cache) is refused, existing or not.
    const notGiven = (await invoke(trusted, 'source:inspect', { path: '/nonexistent/image.raw.xz' })) as { ok: boolean; error: { code: string; hint: string } };
    assert.equal(notGiven.ok, false);
    assert.equal(notGiven.error.code, 'FILE_NOT_GIVEN');
    // The desktop's own way: its Browse button, never a station's images folder.
    assert.match(notGiven.error.hint, /Browse…/);
    assert.doesNotMatch(notGiven.error.hint, /station/);
    const unknown = (await invoke(trusted, 'fs:read', {})) as { ok: boolean; error: { code: string } };
    assert.equal(unknown.error.code, 'USAGE');
    const invalid = (await invoke(trusted, 'flash:start', { source: '', targets: [] })) as { ok: boolean; error: { code: string } };
    assert.equal(invalid.error.code, 'INVALID_INPUT');
  });

  it('lets the renderer name a file picked in the open dialog or dropped on the window, and no other', async () => {
    const invoke = fake.ipcHandlers.get('fiot:invoke') as Invoke;
    const inspect = async (file: string) => ((await invoke(trusted, 'source:inspect', { path: file })) as { ok: boolean; error?: { code: string } });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-shell-grants-'));
    const dialog = fake.module.dialog as { showOpenDialog: unknown };
    const usualDialog = dialog.showOpenDialog;
    try {
      const [picked, dropped, other] = ['picked.raw', 'dropped.raw', 'other.raw'].map((name) => path.join(dir, name));
      for (const file of [picked!, dropped!, other!]) writeDiskImage(file, 64 * 1024);
      dialog.showOpenDialog = async () => ({ canceled: false, filePaths: [picked] });
      assert.equal((await inspect(picked!)).error?.code, 'FILE_NOT_GIVEN', 'not before it is picked');
      assert.equal(await (fake.ipcHandlers.get('dialog:open-image') as Invoke)(trusted), picked);
      assert.equal((await inspect(picked!)).ok, true);
      // A drop is granted only when the app's own window reports it.
      const reportDrop = fake.ipcListeners.get('dialog:dropped-file') as (event: unknown, file: unknown) => void;
      reportDrop({ sender: new FakeWebContents(), senderFrame: { url: window.url } }, dropped);
      assert.equal((await inspect(dropped!)).error?.code, 'FILE_NOT_GIVEN');
      reportDrop(trusted, dropped);
      assert.equal((await inspect(dropped!)).ok, true);
      assert.equal((await inspect(other!)).error?.code, 'FILE_NOT_GIVEN');
    } finally {
      dialog.showOpenDialog = usualDialog;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses requests from anywhere but its window’s main frame on our page', async () => {
    const invoke = fake.ipcHandlers.get('fiot:invoke') as Invoke;
    const strangers = [
      { sender: new FakeWebContents(), senderFrame: { url: window.url } },
      { sender: window.webContents, senderFrame: { url: window.url } },
      { sender: window.webContents, senderFrame: null },
    ];
    for (const event of strangers) {
      const answer = (await invoke(event, 'drives:list', { all: true })) as { ok: boolean; error: { code: string } };
      assert.equal(answer.error.code, 'PERMISSION_DENIED');
    }
    const original = window.webContents.mainFrame.url;
    window.webContents.mainFrame.url = 'https://example.com/';
    try {
      const answer = (await invoke(trusted, 'drives:list', { all: true })) as { ok: boolean; error: { code: string } };
      assert.equal(answer.error.code, 'PERMISSION_DENIED', 'a frame showing another page is not ours');
    } finally {
      window.webContents.mainFrame.url = original;
    }
    const dialog = fake.ipcHandlers.get('dialog:open-image') as Invoke;
    assert.equal(await dialog(strangers[0]), null);
    assert.equal(await dialog(trusted), '/home/me/picked.raw.xz');
  });

  it('blocks navigation and new windows; only https links leave, to the browser', async () => {
    let prevented = 0;
    (window.webContents.listeners.get('will-navigate') as (e: unknown) => void)({ preventDefault: () => prevented++ });
    assert.equal(prevented, 1);
    const open = window.webContents.openHandler!;
    for (const url of ['https://docs.fedoraproject.org/en-US/iot/', 'http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)']) {
      assert.deepEqual(open({ url }), { action: 'deny' });
    }
    assert.deepEqual(fake.opened, ['https://docs.fedoraproject.org/en-US/iot/']);
    const external = fake.ipcHandlers.get('shell:open-external') as Invoke;
    assert.equal(await external(trusted, { url: 'file:///etc/passwd' }), false);
    assert.equal(await external(trusted, { url: 'https://fedoraproject.org/iot/' }), true);
    assert.equal(await external({ sender: new FakeWebContents(), senderFrame: null }, { url: 'https://fedoraproject.org/' }), false);
  });

  it('sends a strict Content-Security-Policy', () => {
    let headers: Record<string, string[]> = {};
    fake.headersHook!({ responseHeaders: {} }, (answer) => (headers = answer.responseHeaders));
    const csp = headers['Content-Security-Policy']?.[0] ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  });
});

describe('preload (bundle)', () => {
  const fake = createFakeElectron();
  before(() => requireWithFakeElectron(preloadBundle, fake));

  it('exposes exactly the contract as window.fiot, and the desktop extras as window.fiotShell', () => {
    assert.deepEqual(Object.keys(fake.exposed).sort(), ['fiot', 'fiotShell']);
    assert.deepEqual(Object.keys(fake.exposed.fiot as object).sort(), ['invoke', 'on']);
    assert.deepEqual(Object.keys(fake.exposed.fiotShell as object).sort(), ['openExternal', 'openImage', 'pathForFile', 'saveImage']);
  });

  it('reports a dropped file’s path to the main process, which grants that file alone', () => {
    const shell = fake.exposed.fiotShell as { pathForFile(file: { name: string }): string };
    assert.equal(shell.pathForFile({ name: 'card.raw.xz' }), '/dropped/card.raw.xz');
    assert.deepEqual(fake.rendererSent, [['dialog:dropped-file', '/dropped/card.raw.xz']]);
  });

  it('forwards contract channels only', async () => {
    const fiot = fake.exposed.fiot as { invoke(c: string, a: unknown): Promise<{ ok: boolean; error?: { code: string } }> };
    const refused = await fiot.invoke('shell:exec', { cmd: 'rm -rf /' });
    assert.equal(refused.ok, false);
    assert.equal(refused.error?.code, 'USAGE');
    assert.equal(fake.rendererInvocations.length, 0, 'an unknown channel never reaches IPC');
    await fiot.invoke('drives:list', { all: false });
    assert.deepEqual(fake.rendererInvocations, [['fiot:invoke', 'drives:list', { all: false }]]);
  });

  it('delivers contract events to subscribers until they unsubscribe', () => {
    const fiot = fake.exposed.fiot as { on(e: string, l: (p: unknown) => void): () => void };
    assert.throws(() => fiot.on('secret:event', () => undefined));
    const seen: unknown[] = [];
    const off = fiot.on('drives:changed', (payload) => seen.push(payload));
    const deliver = fake.rendererListeners.get('fiot:event') as (e: unknown, name: string, payload: unknown) => void;
    deliver({}, 'drives:changed', { drives: [] });
    deliver({}, 'not:ours', { drives: [] });
    off();
    deliver({}, 'drives:changed', { drives: [1] });
    assert.deepEqual(seen, [{ drives: [] }]);
  });
});
