/**
 * The catalog in Chromium through the station: the page shows the catalog from the on-disk cache
 * at once (time measured with a performance mark and printed), a board is picked, only what fits
 * it is listed (newest stable recommended), search narrows it, and one click on the raw image chooses
 * it as it is, to be written while it downloads (nothing downloaded yet); "Download only" then
 * downloads it from the loopback mirror, checked against the release index's sha256, and the cached
 * file becomes the chosen image.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createCore } from '../../electron/core/app-core';
import { loadConfig, type AppConfig } from '../../electron/core/config';
import { CatalogService } from '../../electron/core/catalog/service';
import { startStation, type Station } from '../../electron/station/server';
import { entriesForBoard } from '../../shared/domain/catalog';
import { chromiumSkipReason, launchBrowser, screenshotPath, type TestBrowser } from '../helpers/browser';
import { bootcLabels, pushImage, registrySkipReason, startRegistry, type LoopbackRegistry } from '../helpers/oci-registry';
import { sendJson, startRouteServer, type RouteServer } from '../helpers/route-server';
import { sendFile } from '../helpers/image-server';
import { makeTestKey } from '../helpers/pgp';
import { makeSmallImage } from '../helpers/small-image';
import { commandsSkipReason } from '../helpers/system';

const root = path.resolve(import.meta.dirname, '../..');
const skip = chromiumSkipReason() ?? registrySkipReason() ?? commandsSkipReason('xz', 'sfdisk');
const rawPath = (arch: string) => `/iot/43/IoT/${arch}/images/Fedora-IoT-raw-43-20251024.0.${arch}.raw.xz`;
const checksumPath = (arch: string) => `/iot/43/IoT/${arch}/images/Fedora-IoT-43-${arch}-20251024.0-CHECKSUM`;

async function shot(page: Page, name: string): Promise<void> {
  const file = screenshotPath(name);
  if (file) await page.screenshot({ path: file, fullPage: true });
}

function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file).on('data', (c) => hash.update(c)).on('end', () => resolve(hash.digest('hex'))).on('error', reject);
  });
}

describe('the catalog in Chromium through the station', { skip: skip ?? false }, () => {
  let station: Station;
  let browser: TestBrowser;
  let registry: LoopbackRegistry;
  let fedora: RouteServer;
  let dataDir: string;
  let config: AppConfig;
  let xz: string;

  before(async () => {
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'pipe' });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-e2e-catalog-'));
    [registry, browser] = await Promise.all([startRegistry(), launchBrowser()]);
    for (const variant of ['fedora-iot', 'fedora-bootc']) {
      pushImage(registry.host, `fedora/${variant}`, '43', { architectures: ['arm64', 'amd64'], labels: bootcLabels('43'), created: '2025-11-01T00:00:00Z' });
    }
    xz = makeSmallImage(dataDir);
    const packed = readFileSync(xz);
    const [sha256, size] = [await sha256Of(xz), packed.length];
    // The mirror's CHECKSUM file, signed by a key the user trusts (a Fedora image needs one).
    const key = await makeTestKey('Fedora (test)');
    const checksum = await key.clearSign(`SHA256 (${path.basename(rawPath('aarch64'))}) = ${sha256}\n`);
    mkdirSync(path.join(dataDir, 'config', 'keys'), { recursive: true });
    writeFileSync(path.join(dataDir, 'config', 'keys', 'test.asc'), key.publicArmored);
    fedora = await startRouteServer((req, res, url) => {
      if (url.pathname === '/releases.json') {
        return sendJson(res, 200, ['aarch64', 'x86_64'].map((arch) => ({ version: '43', arch, link: `${fedora.base}${rawPath(arch)}`, variant: 'IoT', subvariant: 'IoT', sha256, size: String(size) })));
      }
      if (url.pathname === checksumPath('aarch64')) return void res.writeHead(200).end(checksum);
      // A mirror that sends parts of files, as Fedora's do: the catalog reads the size on the card from the xz index.
      if (url.pathname === rawPath('aarch64')) return sendFile(req, res, packed);
      res.writeHead(404).end();
    });
    config = loadConfig({
      ...process.env,
      FIOT_CONFIG_DIR: path.join(dataDir, 'config'),
      FIOT_CACHE_DIR: path.join(dataDir, 'cache'),
      FIOT_RELEASES_URL: `${fedora.base}/releases.json`,
      FIOT_IOT_IMAGES_URL: `${fedora.base}/iot/`,
      FIOT_REGISTRY_REPOS: `${registry.host}/fedora/fedora-iot,${registry.host}/fedora/fedora-bootc`,
      FIOT_INSECURE_REGISTRIES: registry.host,
    });
    // A refresh before the app starts, as on an earlier day: the page then shows the cache.
    await new CatalogService({ config }).refresh();
    station = await startStation({ core: createCore(config) });
  });

  after(async () => {
    await browser?.close();
    await station?.close();
    await fedora?.close();
    await registry?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the cached catalog at once; a board shows only what fits it; one click chooses the image, "Download only" downloads it', { timeout: 180_000 }, async () => {
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(station.url);
      await page.getByTestId('catalog-source').waitFor();
      const timing = await page.evaluate(() => {
        const shown = performance.getEntriesByName('fiot:catalog-shown')[0] as PerformanceMark | undefined;
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        const requested = performance.getEntriesByName('fiot:catalog-requested')[0]?.startTime ?? -1;
        return { shown: shown?.startTime ?? -1, origin: shown?.detail as string | undefined, domReady: nav.domContentLoadedEventEnd, requested };
      });
      const ms = (n: number) => n.toFixed(0);
      console.log(
        `catalog shown from ${timing.origin} ${ms(timing.shown)} ms after navigation start, ${ms(timing.shown - timing.domReady)} ms after DOMContentLoaded, ` +
          `${ms(timing.shown - timing.requested)} ms after the app asked for it`,
      );
      assert.ok(timing.shown > 0, 'the catalog-shown mark was set');
      assert.equal(timing.origin, 'cache', 'first shown from the on-disk cache, before any refresh');
      await shot(page, 'catalog-1-boards');

      assert.equal(await page.locator('[data-testid="board-card"][data-board="rpi5"]').isDisabled(), true, 'Pi 5 cannot be chosen');
      await page.locator('[data-testid="board-card"][data-board="rpi4"]').click();
      const rows = page.getByTestId('catalog-entry');
      await rows.first().waitFor();
      const arches = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-arch') ?? ''));
      const expected = entriesForBoard(await new CatalogService({ config }).get(), (await new CatalogService({ config }).boards()).find((b) => b.id === 'rpi4')!);
      assert.equal(arches.length, expected.length);
      assert.ok(arches.every((a) => a.split(',').includes('aarch64')), arches.join(' | '));
      const first = rows.first();
      assert.equal(await first.getAttribute('data-entry'), 'raw:Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz');
      assert.match(await first.innerText(), /recommended/, 'newest stable recommended');
      assert.equal(await first.getAttribute('aria-pressed'), 'false', 'nothing chosen before a click');
      // The 8 MiB image's size on the card, read from the mirror's .xz by the refresh and kept in the cache.
      assert.match(await first.innerText(), /Fedora IoT 43 for Raspberry Pi 4[^\n]*\n[\s\S]*download · 8\.39 MB on the card · released 2025-10-24/);
      assert.doesNotMatch(await page.getByTestId('catalog-board').innerText(), /unknown/);
      assert.match(await first.innerText(), /Ready-made Fedora IoT image: written as is\./);
      await shot(page, 'catalog-2-rpi4');

      await page.getByTestId('catalog-search').fill('bootc');
      const containers = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-entry') ?? ''));
      assert.ok(containers.length === 2 && containers.every((id) => id.startsWith('oci:')), containers.join(' | '));
      assert.match(await rows.first().innerText(), /switches to this container at first boot/);
      await page.getByTestId('catalog-search').fill('');

      // One click chooses: the image as the catalog describes it, written while it downloads; Continue opens at once.
      const before = fedora.requests.filter((r) => r.path === rawPath('aarch64')).length;
      await first.click();
      assert.equal(await first.getAttribute('aria-pressed'), 'true');
      assert.equal(await page.getByTestId('catalog-picked').getAttribute('data-delivery'), 'published-raw');
      assert.match(await page.getByTestId('catalog-card-fit').innerText(), /^Needs a card of at least 8\.39 MB\./);
      const streamed = page.getByTestId('image-streamed');
      await streamed.waitFor();
      assert.match(await streamed.innerText(), /Not downloaded yet: it downloads while the cards are written/);
      assert.match(await page.getByTestId('image-size').innerText(), /8\.39 MB/);
      assert.equal(await page.getByTestId('image-arch').getAttribute('data-arch'), 'aarch64');
      assert.equal(await page.getByTestId('step-continue').isEnabled(), true, 'Continue opens before any download');
      assert.equal(fedora.requests.filter((r) => r.path === rawPath('aarch64')).length, before, 'nothing was downloaded by the click');
      await shot(page, 'catalog-3-chosen-to-stream');

      // Nothing is in the cache yet, and the station's list of images says so.
      const offered = page.getByTestId('offered-images');
      assert.match(await offered.innerText(), /None yet/);
      // "Download only": the file first, in the image cache; it becomes the chosen image.
      await page.getByTestId('download-only').click();
      // The downloaded file chosen (the summary no longer says "not downloaded yet"), or why not.
      const outcome = page.locator('[data-testid="image-summary"]:not(:has([data-testid="image-streamed"])), [data-testid="catalog-download-error"], [data-testid="image-error"]');
      await outcome.first().waitFor({ timeout: 120_000 });
      await shot(page, 'catalog-4-downloaded');
      assert.equal(await outcome.first().getAttribute('data-testid'), 'image-summary', await outcome.first().innerText());
      // What a user would check: the chosen image is the published file, byte for byte (the first
      // flash decompresses it, keeping the copy in the cache; a download alone does not).
      const chosenPath = await page.getByTestId('image-summary').locator('.path').innerText();
      assert.equal(await sha256Of(chosenPath), await sha256Of(xz));
      assert.ok(fedora.requests.some((r) => r.path === rawPath('aarch64')), 'the image came from the loopback mirror');
      assert.equal(await page.getByTestId('step-continue').isEnabled(), true, 'Continue opens without a second "use" step');
      // The station's list of images no longer says "None yet": the cached image is one of them.
      await offered.getByRole('button', { name: path.basename(chosenPath), exact: true }).waitFor();
      assert.doesNotMatch(await offered.innerText(), /None yet/);

      await page.getByTestId('change-board').click();
      await page.locator('[data-testid="board-card"][data-board="uefi-x86_64"]').click();
      const x86 = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-arch') ?? ''));
      assert.ok(x86.length > 0 && x86.every((a) => a.split(',').includes('x86_64')));
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.close();
    }
  });
});

