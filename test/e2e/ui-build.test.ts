/**
 * "Build from a container" as a user meets it in a browser (station + Chromium), against the
 * podman stand-in: the preflight checklist, a build whose log and progress stream in and whose
 * image becomes the image to write, a failing build's message, cancel, and the history.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createCore } from '../../electron/core/app-core';
import { loadConfig } from '../../electron/core/config';
import { startStation, type Station } from '../../electron/station/server';
import { chromiumSkipReason, launchBrowser, screenshotPath, type TestBrowser } from '../helpers/browser';
import { setupStandin, type StandinSetup } from '../helpers/podman-standin';
import { ED25519_KEY } from '../helpers/ssh-keys';
import { commandsSkipReason } from '../helpers/system';

const root = path.resolve(import.meta.dirname, '../..');
const skip = chromiumSkipReason() ?? commandsSkipReason('sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy');

describe('building an image from a container in the browser', { skip: skip ?? false }, () => {
  let station: Station;
  let browser: TestBrowser;
  let standin: StandinSetup;

  before(async () => {
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'pipe' });
    standin = await setupStandin({ FIOT_STANDIN_DELAY_MS: '5' });
    // podman (the stand-in) is spawned with this process's environment.
    Object.assign(process.env, standin.env);
    [station, browser] = await Promise.all([startStation({ core: createCore(loadConfig(standin.env)) }), launchBrowser()]);
  });

  after(async () => {
    await browser?.close();
    await station?.close();
    standin?.dispose();
  });

  async function openBuild(): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(station.url);
    await page.getByRole('tab', { name: 'Build from a container' }).click();
    await page.getByTestId('build-source').waitFor();
    return page;
  }

  /**
   * Starts a build and waits for that build's outcome. A finished run stays on the page, so waiting
   * for a status alone could see the previous run's; the run's id tells them apart.
   */
  async function buildAndWait(page: Page, status: 'succeeded' | 'failed'): Promise<void> {
    const run = page.getByTestId('build-run');
    const previous = (await run.count()) > 0 ? await run.getAttribute('data-build-id') : null;
    await page.getByRole('button', { name: 'Build image' }).click();
    const fresh = previous ? `:not([data-build-id="${previous}"])` : '';
    await page.locator(`[data-testid="build-run"][data-status="${status}"]${fresh}`).waitFor({ timeout: 60_000 });
  }

  async function shot(page: Page, name: string): Promise<void> {
    const file = screenshotPath(name);
    if (file) await page.screenshot({ path: file, fullPage: true });
  }

  it('checks the machine, builds, streams the log, and makes the built image the one to write', { timeout: 120_000 }, async () => {
    const page = await openBuild();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.getByTestId('build-reference').fill('quay.io/fedora/fedora-iot:42');
      await page.getByTestId('build-arch').selectOption('aarch64');
      await page.getByRole('button', { name: 'Check this computer' }).click();
      const checklist = page.getByTestId('build-preflight');
      await checklist.waitFor();
      assert.equal(await checklist.locator('[data-ok="true"]').count(), 6);
      assert.match(await checklist.innerText(), /this machine can build aarch64 images/);
      await shot(page, 'build-1-checklist');

      await page.getByRole('button', { name: 'Build image' }).click();
      const run = page.getByTestId('build-run');
      await page.locator('[data-testid="build-run"][data-status="succeeded"]').waitFor({ timeout: 90_000 });
      // A finished build folds its log away; opening it shows what the builder printed.
      await run.getByText('Builder log').click();
      assert.match(await page.getByTestId('build-log').innerText(), /org\.osbuild\.selinux[\s\S]*Build complete!/);
      assert.equal(await run.getByRole('progressbar').getAttribute('aria-valuenow'), '100');
      // The built image is now the image to write, like any chosen file: the one this build put in
      // the cache, named after its reference and arch, byte for byte what the builder produced.
      const summary = page.getByTestId('image-summary');
      await summary.waitFor();
      assert.equal(await summary.locator('.chosen-name').innerText(), 'fedora-iot-42-aarch64.raw');
      assert.match(await summary.innerText(), /not compressed/);
      const [record] = JSON.parse(readFileSync(path.join(standin.configDir, 'build-history.json'), 'utf8')) as Array<{ status: string; imagePath: string }>;
      assert.equal(record?.status, 'succeeded');
      assert.equal(await summary.locator('.path').getAttribute('title'), record.imagePath);
      assert.equal(path.basename(record.imagePath), 'fedora-iot-42-aarch64.raw');
      assert.ok(readFileSync(record.imagePath).equals(readFileSync(standin.disk)), 'the chosen file is the image the builder wrote');
      await shot(page, 'build-2-done');
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  it('shows a failed check with its fix, a failed build’s reason, and cancel stops a running one', { timeout: 120_000 }, async () => {
    const page = await openBuild();
    try {
      process.env.FIOT_STANDIN_FAULT = 'old-version';
      await page.getByRole('button', { name: 'Check this computer' }).click();
      const failed = page.locator('[data-testid="build-preflight"] [data-ok="false"]');
      await failed.waitFor();
      assert.match(await failed.innerText(), /podman 4\.0\.0 or newer[\s\S]*podman 3\.4\.4 is too old[\s\S]*Fix: Update podman: sudo dnf upgrade podman/);
      await shot(page, 'build-2b-checklist-failed');

      process.env.FIOT_STANDIN_FAULT = 'fail-mid-build';
      await page.getByTestId('build-arch').selectOption('x86_64');
      await buildAndWait(page, 'failed');
      assert.match(await page.getByTestId('build-error').innerText(), /Building the image failed[\s\S]*cannot run osbuild/);
      await shot(page, 'build-3-failed');

      process.env.FIOT_STANDIN_FAULT = '';
      process.env.FIOT_STANDIN_DELAY_MS = '60';
      await page.getByRole('button', { name: 'Build image' }).click();
      await page.getByTestId('build-phase').filter({ hasText: /Installing the container|Configuring|Writing the disk/ }).waitFor({ timeout: 60_000 });
      await page.getByRole('button', { name: 'Cancel build' }).click();
      await page.locator('[data-testid="build-run"][data-status="cancelled"]').waitFor({ timeout: 60_000 });
      assert.match(await page.getByTestId('build-error').innerText(), /Cancelled/);
      assert.ok(standin.calls().some((c) => c[0] === 'stop' && /^fiot-build-/.test(c.at(-1) ?? '')));

      const history = page.getByTestId('build-history');
      await history.locator('summary').click();
      assert.equal(await history.locator('li[data-status="succeeded"]').count(), 1);
      assert.equal(await history.locator('li[data-status="failed"]').count(), 1);
      assert.equal(await history.locator('li[data-status="cancelled"]').count(), 1);
      await shot(page, 'build-4-history');
    } finally {
      process.env.FIOT_STANDIN_DELAY_MS = '5';
      await page.close();
    }
  });

  it('puts the First boot settings into the built image: user, SSH key, and the Ignition config', { timeout: 120_000 }, async () => {
    const page = await openBuild();
    try {
      // A build first, so an image is chosen and the First boot step can be reached.
      await buildAndWait(page, 'succeeded');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByTestId('provisioning-enabled').check();
      await page.getByLabel('Hostname', { exact: true }).fill('built-{n:02}');
      await page.getByLabel('User name', { exact: true }).fill('core');
      await page.getByLabel('SSH public keys (one per line)').fill(ED25519_KEY);
      // The JSON is folded under the plain summary: wait until it carries the first card's name.
      await page.waitForFunction(() => document.querySelector('[data-testid="ignition-preview"]')?.textContent?.includes('built-01'));

      await page.getByTestId('nav-image').click();
      await page.getByRole('tab', { name: 'Build from a container' }).click();
      assert.match(await page.getByTestId('build-source').innerText(), /users, SSH keys and the Ignition config from the First boot step/);
      await buildAndWait(page, 'succeeded');

      const config = readFileSync(standin.configCopy, 'utf8');
      assert.match(config, /\[\[customizations\.user\]\]\nname = "core"\nkey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMnoEkZFkFqVaMKEoq1SNL9P9JwJ\/5GpIsVoKMO1C42P tech@fiot"/);
      const embedded = /\[customizations\.ignition\.embedded\]\nconfig = "([^"]+)"/.exec(config)?.[1] ?? '';
      const ignition = JSON.parse(Buffer.from(embedded, 'base64').toString('utf8')) as { storage: { files: Array<{ path: string; contents: { source: string } }> } };
      const hostname = ignition.storage.files.find((f) => f.path === '/etc/hostname')!;
      assert.equal(decodeURIComponent(hostname.contents.source.replace(/^data:,/, '')), 'built-01\n');
    } finally {
      await page.close();
    }
  });
});

