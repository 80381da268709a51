/**
 * A maker's own mirror on the station's machine, in Chromium through a real `fiot-flash station`
 * process, as the tester walked it: the mirror (loopback, FIOT_IOT_IMAGES_URL) has release 43 only;
 * Fedora's release index and the registries cannot be reached, so 44 is known only from the list
 * shipped with the app. Without --fetch-local, picking 43 says the station does not fetch from its
 * own machine and names --fetch-local at once (never "No network", and the mirror is not asked);
 * 43, which the mirror has, is the one recommended; 44 says it is not on the mirror and, picked,
 * that the mirror has no such image. With --fetch-local, 43 is chosen and downloads from the mirror;
 * 44 picked after it fails, and 43 stays the highlighted choice while 44 says it failed.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { chromiumSkipReason, launchBrowser, screenshotPath, type TestBrowser } from '../helpers/browser';
import { closedPort } from '../helpers/connect-proxy';
import { sendFile } from '../helpers/image-server';
import { makeTestKey, type TestKey } from '../helpers/pgp';
import { startRouteServer, type RouteServer } from '../helpers/route-server';
import { spawnStation, type StationProcess } from '../helpers/station-process';
import { commandsSkipReason } from '../helpers/system';

const skip = chromiumSkipReason() ?? commandsSkipReason('xz', 'sfdisk') ?? false;
const folder = '/iot/43/IoT/aarch64/images/';
const imageName = 'Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz';
const checksumName = 'Fedora-IoT-43-aarch64-20251024.0-CHECKSUM';
const entry43 = `raw:${imageName}`;
const entry44 = 'raw:Fedora-IoT-raw-44-20260427.0.aarch64.raw.xz';

async function shot(page: Page, name: string): Promise<void> {
  const file = screenshotPath(name);
  if (file) await page.screenshot({ path: file, fullPage: true });
}

/** A small disk image (an MBR and one partition), xz-compressed as Fedora publishes it. */
function smallImage(dir: string): Buffer {
  const raw = path.join(dir, 'small.raw');
  writeFileSync(raw, Buffer.alloc(4 * 1024 * 1024));
  execFileSync('sfdisk', ['--quiet', raw], { input: 'label: dos\nstart=2048, type=83\n' });
  return execFileSync('xz', ['-0', '-T1', '-c', raw]);
}

describe('a mirror on the station\'s own machine, in Chromium', { skip }, () => {
  let browser: TestBrowser;
  let mirror: RouteServer;
  let key: TestKey;
  let env: Record<string, string>;
  const stations: StationProcess[] = [];
  const work = mkdtempSync(path.join(os.tmpdir(), 'fiot-e2e-own-mirror-'));

  before(async () => {
    const packed = smallImage(work);
    key = await makeTestKey('Own mirror (test)');
    const checksum = await key.clearSign(`SHA256 (${imageName}) = ${createHash('sha256').update(packed).digest('hex')}\n`);
    mirror = await startRouteServer((req, res, url) => {
      if (url.pathname === folder) return void res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<a href="${checksumName}">${checksumName}</a>`);
      if (url.pathname === folder + checksumName) return void res.writeHead(200).end(checksum);
      if (url.pathname === folder + imageName) return sendFile(req, res, packed);
      res.writeHead(404).end('not found');
    });
    const nobody = `127.0.0.1:${await closedPort()}`;
    env = {
      FIOT_RELEASES_URL: `http://${nobody}/releases.json`,
      FIOT_IOT_IMAGES_URL: `${mirror.base}/iot/`,
      FIOT_REGISTRY_REPOS: `${nobody}/fedora/fedora-iot`,
      FIOT_INSECURE_REGISTRIES: nobody,
    };
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    for (const station of stations) await station.stop();
    await mirror?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** A station of its own, the Pi 4 chosen once the catalog has asked the mirror. */
  async function openPi4(args: string[]): Promise<{ page: Page; station: StationProcess }> {
    const station = await spawnStation({ args, env });
    stations.push(station);
    mkdirSync(path.join(station.configDir, 'keys'), { recursive: true });
    writeFileSync(path.join(station.configDir, 'keys', 'mirror.asc'), key.publicArmored);
    const page = await browser.context.newPage();
    await page.goto(station.url);
    // The refresh that asks the mirror: "1 of 3 sources answered".
    await page.getByText(/1 of 3 sources answered/).waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="board-card"][data-board="rpi4"]').click();
    await page.locator(`[data-testid="catalog-entry"][data-entry="${entry43}"]`).waitFor();
    return { page, station };
  }

  it('without --fetch-local: 43 is recommended, picking it names --fetch-local (not "No network"); 44 is not on the mirror and says so', { timeout: 180_000 }, async () => {
    const { page, station } = await openPi4([]);
    assert.match(station.stderr(), new RegExp(`Note: your mirror ${mirror.base.replace(/\./g, '\\.')}/iot/ \\(FIOT_IOT_IMAGES_URL\\) is on this machine: the browser cannot download from it unless the station is started with --fetch-local\\.`));
    const row43 = page.locator(`[data-testid="catalog-entry"][data-entry="${entry43}"]`);
    const row44 = page.locator(`[data-testid="catalog-entry"][data-entry="${entry44}"]`);
    assert.match(await row43.innerText(), /recommended/, 'the release the mirror has is the one recommended');
    assert.doesNotMatch(await row44.innerText(), /recommended/);
    assert.match(await row44.getByTestId('catalog-mirror-gap').innerText(), new RegExp(`^Not on your mirror \\(${mirror.base.replace(/\./g, '\\.')}/iot/\\): it would be downloaded from download\\.fedoraproject\\.org\\.$`));
    assert.equal(await row43.getByTestId('catalog-mirror-gap').count(), 0);
    await shot(page, 'own-mirror-1-rpi4');

    const asked = mirror.requests.length;
    await row43.click();
    // Said at the choice, before any step further (the image would be written while it downloads).
    const refusal = page.getByTestId('catalog-error');
    await refusal.waitFor();
    await shot(page, 'own-mirror-2-pick-43');
    assert.equal(await refusal.getAttribute('data-code'), 'LOCAL_ADDRESS_REFUSED');
    assert.match(await refusal.innerText(), new RegExp(`Your mirror at ${mirror.base.replace(/\./g, '\\.')}/iot/ is on this machine \\(the station’s own\\): the station fetches from such addresses only when it was started with --fetch-local`));
    assert.match(await refusal.innerText(), /start the station with fiot-flash station --fetch-local/);
    assert.equal(await page.getByTestId('catalog-download-offline').count(), 0, 'no "No network" notice');
    assert.doesNotMatch(await page.getByTestId('catalog-board').innerText(), /No network|Connect this computer to the internet/);
    assert.equal(await page.getByTestId('image-streamed').count(), 0, 'nothing was chosen');
    assert.deepEqual(mirror.requests.slice(asked).map((r) => r.path), [], 'the mirror was not asked for anything');

    // No source that answered offers 44: tried at once, so its failure is said now, not at the write.
    await row44.click();
    const missing = page.locator('[data-testid="catalog-download-error"][data-code="NOT_ON_MIRROR"]');
    await missing.waitFor({ timeout: 60_000 });
    await shot(page, 'own-mirror-3-pick-44');
    assert.match(await missing.innerText(), new RegExp(`Your mirror at ${mirror.base.replace(/\./g, '\\.')}/iot/ has no Fedora IoT 44 for aarch64`));
    assert.match(await missing.innerText(), /^Your mirror does not have this image\n/);
    assert.match(await missing.innerText(), /or choose a release it has \(43\)/);
    assert.equal(await page.getByTestId('catalog-download-offline').count(), 0, 'no "No network" notice');
    await page.close();
  });

  it('with --fetch-local: picking 43 chooses it, and it downloads from the mirror; a failed 44 after it leaves 43 highlighted as the choice', { timeout: 180_000 }, async () => {
    const { page, station } = await openPi4(['--fetch-local']);
    assert.doesNotMatch(station.stderr(), /is on this machine/);
    await page.locator(`[data-testid="catalog-entry"][data-entry="${entry43}"]`).click();
    await page.getByTestId('image-streamed').waitFor();
    assert.equal(await page.getByTestId('catalog-error').count(), 0);
    await page.getByTestId('download-only').click();
    const outcome = page.locator('[data-testid="image-summary"], [data-testid="catalog-download-error"], [data-testid="catalog-download-offline"]');
    await outcome.first().waitFor({ timeout: 120_000 });
    await shot(page, 'own-mirror-4-fetch-local');
    assert.equal(await outcome.first().getAttribute('data-testid'), 'image-summary', await outcome.first().innerText());
    assert.ok(mirror.requests.some((r) => r.path === folder + imageName), 'the image came from the mirror');
    // 44, which the mirror lacks, fails: 43 stays the chosen image, highlighted as such; 44 says it failed.
    const row43 = page.locator(`[data-testid="catalog-entry"][data-entry="${entry43}"]`);
    const row44 = page.locator(`[data-testid="catalog-entry"][data-entry="${entry44}"]`);
    const pressed = () => page.locator('[data-testid="catalog-entry"][aria-pressed="true"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-entry')));
    assert.deepEqual(await pressed(), [entry43]);
    await row44.click();
    await page.locator('[data-testid="catalog-download-error"][data-code="NOT_ON_MIRROR"]').waitFor({ timeout: 60_000 });
    await shot(page, 'own-mirror-5-44-failed-43-chosen');
    assert.deepEqual(await pressed(), [entry43], 'the image still chosen (43) is the one highlighted, not the failed 44');
    assert.match(await page.getByTestId('nav-image').innerText(), /Fedora-IoT-raw-43/);
    assert.equal(await row44.getAttribute('data-failed'), 'true');
    assert.match(await row44.getByTestId('catalog-entry-failed').innerText(), /^Could not be downloaded: see why below\./);
    // Choosing 43 again: it is highlighted, and 44 no longer shows a failure.
    await row43.click();
    await page.getByTestId('catalog-download-error').waitFor({ state: 'detached', timeout: 60_000 });
    assert.deepEqual(await pressed(), [entry43]);
    assert.equal(await row44.getAttribute('data-failed'), null);
    await page.close();
  });
});
