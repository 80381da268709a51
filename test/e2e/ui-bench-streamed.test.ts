/**
 * The card bench of a catalog image not cached yet, in Chromium through the station: a loopback
 * mirror (its release index, signed CHECKSUM and the `.xz` as osbuild compresses it) sends at a
 * limited rate, and the first card inserted (a loop device in the stand-in card-reader folder,
 * FIOT_TEST_CARD_DIR) is written while the image downloads. Its tile shows both pipes as the Write
 * step does for a streamed flash: "Downloaded … of …", the bytes written to this card, and which one
 * sets the pace. Afterwards the card holds the image and the image cache holds the download.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { CatalogService } from '../../electron/core/catalog/service';
import { loadConfig } from '../../electron/core/config';
import { makeFixture, type Fixture } from '../fixtures/fixture';
import { chromiumSkipReason, screenshotPath } from '../helpers/browser';
import { cachedEntries } from '../helpers/cache-copy';
import { assertCardHoldsImage } from '../helpers/card-check';
import { startImageServer, type ImageServer } from '../helpers/image-server';
import { insertTestCard, type LoopDevice } from '../helpers/loop';
import { makeTestKey } from '../helpers/pgp';
import { openStationSession, type StationSession } from '../helpers/station-session';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';

const MiB = 1024 * 1024;
const skip = loopSkipReason() ?? chromiumSkipReason() ?? commandsSkipReason('xz', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'e2fsck', 'fsck.vfat', 'losetup');
const IMAGE_NAME = 'Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz';
const IMAGE_PATH = `/iot/43/IoT/aarch64/images/${IMAGE_NAME}`;
const CHECKSUM_PATH = '/iot/43/IoT/aarch64/images/Fedora-IoT-43-aarch64-20251024.0-CHECKSUM';
/** ~6 MB/s: the download takes several seconds, slower than the loop device takes the bytes. */
const RATE = { bytes: 64 * 1024, ms: 10 };

/** What a bench tile shows of the two pipes at one moment, or null when it shows none. */
interface TileSample {
  state: string;
  downloaded: string;
  written: string;
  limit: string;
}

function sampleTile(page: Page, device: string): Promise<TileSample | null> {
  // No named helper inside: the page runs the function's source as it is.
  return page.evaluate((device) => {
    const tile = document.querySelector(`[data-testid="bench-slot"][data-device="${device}"]`);
    const pipes = tile?.querySelector('[data-testid="progress-download"]');
    if (!tile || !pipes) return null;
    const [downloaded = '', written = '', limit = ''] = ['pipe-downloaded', 'pipe-written', 'pipe-limit'].map((id) => pipes.querySelector(`[data-testid="${id}"]`)?.textContent ?? '');
    return { state: tile.getAttribute('data-state') ?? '', downloaded, written, limit };
  }, device);
}

describe('a card bench of an image not cached yet, its first card written while it downloads, in Chromium through the station', { skip: skip ?? false }, () => {
  let session: StationSession;
  let mirror: ImageServer;
  let fixture: Fixture & { xzPath: string };
  let dataDir: string;
  let cardDir: string;
  let xz: Buffer;
  const cards: LoopDevice[] = [];

  before(async () => {
    const built = await makeFixture({ xz: 'osbuild', size: 160 * MiB, espMib: 32, bootMib: 32, rootFillMib: 24, seed: 31 });
    fixture = { ...built, xzPath: built.xzPath! };
    xz = readFileSync(fixture.xzPath);
    const sha256 = createHash('sha256').update(xz).digest('hex');
    // The mirror's CHECKSUM file, signed by a key the user trusts (a Fedora image needs one).
    const key = await makeTestKey('Fedora (test)');
    const checksum = await key.clearSign(`SHA256 (${IMAGE_NAME}) = ${sha256}\n`);
    mirror = await startImageServer({ [IMAGE_PATH]: xz, [CHECKSUM_PATH]: Buffer.from(checksum) });
    const releases = ['aarch64', 'x86_64'].map((arch) => ({ version: '43', arch, link: mirror.url(IMAGE_PATH.replaceAll('aarch64', arch)), variant: 'IoT', subvariant: 'IoT', sha256, size: String(xz.length) }));
    mirror.files.set('/releases.json', { body: Buffer.from(JSON.stringify(releases)) });

    dataDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-e2e-bench-stream-'));
    cardDir = path.join(dataDir, 'cards');
    mkdirSync(cardDir);
    mkdirSync(path.join(dataDir, 'config', 'keys'), { recursive: true });
    writeFileSync(path.join(dataDir, 'config', 'keys', 'test.asc'), key.publicArmored);
    const env = {
      FIOT_CONFIG_DIR: path.join(dataDir, 'config'),
      FIOT_CACHE_DIR: path.join(dataDir, 'cache'),
      FIOT_RELEASES_URL: mirror.url('/releases.json'),
      FIOT_IOT_IMAGES_URL: mirror.url('/iot/'),
      FIOT_TEST_CARD_DIR: cardDir,
    };
    await new CatalogService({ config: loadConfig({ ...process.env, ...env }) }).refresh();
    session = await openStationSession('bench-stream', env);
  });

  after(async () => {
    for (const card of cards) card.detach();
    await session?.close();
    await mirror?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('the first card’s tile shows the download and the card’s bytes while it is written, then the card holds the image', { timeout: 300_000 }, async () => {
    const page = await session.browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(session.station.url);
      await page.getByTestId('catalog-source').waitFor();
      await page.locator('[data-testid="board-card"][data-board="rpi4"]').click();
      await page.locator(`[data-testid="catalog-entry"][data-entry="raw:${IMAGE_NAME}"]`).click();
      await page.getByTestId('image-streamed').waitFor();

      await page.getByTestId('tool-open-bench').click();
      await page.waitForFunction(() => (document.querySelector('[data-testid="bench-switch"]') as HTMLInputElement | null)?.disabled === false);
      await page.getByTestId('bench-switch').click();
      await page.getByTestId('bench-count').filter({ hasText: 'Insert the next card' }).waitFor();
      assert.equal(mirror.downloads(IMAGE_PATH).length, 0, 'switching on downloads nothing');

      mirror.faults.throttle = RATE;
      const card = insertTestCard(cardDir, 'first', fixture.size + 8 * MiB);
      cards.push(card);
      const tile = page.locator(`[data-testid="bench-slot"][data-device="${card.device}"]`);
      await tile.waitFor({ timeout: 60_000 });

      // The tile while its card is written, sampled until the card is done (or failed).
      const samples: TileSample[] = [];
      let shotTaken = false;
      for (;;) {
        const state = await tile.getAttribute('data-state');
        if (state === 'done' || state === 'failed' || state === 'refused' || state === 'cancelled') break;
        const sample = await sampleTile(page, card.device);
        if (sample) samples.push(sample);
        if (sample && !shotTaken && /\(\d+%\)/.test(sample.downloaded) && !/^Written 0 B/.test(sample.written)) {
          const file = screenshotPath('bench-stream-first-tile');
          if (file) await tile.screenshot({ path: file });
          shotTaken = true;
        }
        await page.waitForTimeout(100);
      }
      assert.equal(await tile.getAttribute('data-state'), 'done', await tile.innerText());
      assert.deepEqual(pageErrors, []);

      const during = samples.filter((s) => /^Downloaded [\d.]+ [kMG]?B of [\d.]+ [kMG]?B \((\d|[1-9]\d)%\)$/.test(s.downloaded));
      assert.ok(during.length > 0, `the tile showed the download's bytes and share: ${JSON.stringify(samples.slice(0, 3))}`);
      assert.ok(during.some((s) => s.state === 'writing' && /^Written [1-9][\d.]* [kMG]?B to this card$/.test(s.written)), `the card's bytes grew while it downloaded: ${JSON.stringify(during.slice(-3))}`);
      assert.ok(samples.every((s) => s.limit !== ''), 'a pace sentence each time');
      // Done, the tile says so in place of the pipes.
      assert.equal(await tile.locator('[data-testid="progress-download"]').count(), 0, 'no pipes once the card is written');

      await assertCardHoldsImage(fixture, card.device);
      const kept = cachedEntries(path.join(dataDir, 'cache')).find((e) => e.name === IMAGE_NAME);
      assert.ok(kept?.file, 'the download is in the image cache');
      assert.equal(mirror.downloads(IMAGE_PATH).length, 1, 'downloaded once, while the card was written');
    } finally {
      mirror.faults.throttle = undefined;
      await page.close();
    }
  });
});
