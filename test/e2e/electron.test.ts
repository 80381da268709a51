/**
 * The desktop app itself, through Playwright's Electron driver: the window opens on our page with
 * the security settings the shell promises, window.fiot carries exactly the contract, and the
 * page can neither navigate away nor reach Node. Runs where Electron's binary exists (its npm
 * package downloads it from outside the npm registry, which these machines cannot reach).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { optionalSkip } from '../helpers/skip';

const root = path.resolve(import.meta.dirname, '../..');

function electronBinary(): string | null {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown;
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const skip = binary ? false : optionalSkip('no Electron binary: `npm install electron` could not download it on this machine (run where it can; the station e2e covers the UI here)');

describe('the desktop app in Electron', { skip }, () => {
  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;

  before(async () => {
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'pipe' });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-electron-'));
    app = await electron.launch({
      executablePath: binary!,
      args: [root, '--no-sandbox'],
      env: { ...process.env, FIOT_CONFIG_DIR: path.join(dataDir, 'config'), FIOT_CACHE_DIR: path.join(dataDir, 'cache') },
    });
    page = await app.firstWindow();
    await page.getByTestId('step-image').waitFor();
  });

  after(async () => {
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens one window on our page, with no Node in reach', async () => {
    assert.equal(app.windows().length, 1);
    assert.match(page.url(), /^file:.*\/dist\/renderer\/index\.html/);
    // nodeIntegration off and the sandbox on: neither require nor process exists in the page.
    assert.equal(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require), 'undefined');
    assert.equal(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process), 'undefined');
    // Context isolation: the page cannot replace what the preload exposed.
    const replaced = await page.evaluate(() => {
      try {
        (window as { fiot?: unknown }).fiot = null;
      } catch {
        return false;
      }
      return window.fiot === null;
    });
    assert.equal(replaced, false);
  });

  it('exposes only the contract: unknown channels are refused, known ones answer', async () => {
    const unknown = await page.evaluate(() => window.fiot!.invoke('fs:read' as never, {} as never));
    assert.equal(unknown.ok, false);
    const listed = await page.evaluate(() => window.fiot!.invoke('drives:list', { all: false }));
    assert.equal(listed.ok, true);
    assert.equal(await page.evaluate(() => Object.keys(window.fiot!).sort().join(',')), 'invoke,on');
  });

  it('does not navigate away or open windows', async () => {
    const before = page.url();
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
      window.open('https://example.com/');
    });
    await page.waitForTimeout(500);
    assert.equal(page.url(), before);
    assert.equal(app.windows().length, 1);
  });

  it('shows a chosen image file', async () => {
    const tab = page.getByRole('tab', { name: 'Image file' });
    if (await tab.count()) await tab.click();
    await page.getByLabel('Image file path').fill(path.join(dataDir, 'missing.raw'));
    await page.getByRole('button', { name: 'Use this file' }).click();
    assert.equal(await page.getByTestId('image-error').getAttribute('data-code'), 'SOURCE_NOT_FOUND');
  });
});
