/**
 * The card bench of a catalog image not cached yet, in Chromium through the station: a loopback
 * mirror (its release index, signed CHECKSUM and the `.xz` as osbuild compresses it) sends at a
 * limited rate, and the first card inserted (a loop device in the stand-in card-reader folder,
 * FIOT_TEST_CARD_DIR) is written while the image downloads. Its tile shows both pipes as the Write
 * step does for a streamed flash: "Downloaded … of …", the bytes written to this card, and which one
 * sets the pace. Afterwards the card holds the image and the image cache holds the download.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { makeFixture, type Fixture } from '../fixtures/fixture';
import { chromiumSkipReason, screenshotPath } from '../helpers/browser';
import { cachedEntries } from '../helpers/cache-copy';
import { assertCardHoldsImage } from '../helpers/card-check';
import { catalogImage, chooseMirrorImage, openCatalogMirrorStation, type CatalogMirrorStation } from '../helpers/catalog-mirror-station';
import { insertTestCard, type LoopDevice } from '../helpers/loop';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';

const MiB = 1024 * 1024;
const skip = loopSkipReason() ?? chromiumSkipReason() ?? commandsSkipReason('xz', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'e2fsck', 'fsck.vfat', 'losetup');
const { name: IMAGE_NAME, path: IMAGE_PATH } = catalogImage('aarch64');
/** ~3 MB/s: the download takes several seconds, slower than the loop device takes the bytes. */
const RATE = { bytes: 32 * 1024, ms: 10 };

/** What a bench tile shows at one moment: its state, and its two pipes (empty when it shows none). */
interface TileSample {
  state: string;
  downloaded: string;
  written: string;
  limit: string;
}

function sampleTile(page: Page, device: string): Promise<TileSample | null> {
  // No named helper inside (not even an arrow kept in a const): the page runs the function's source as it is.
  return page.evaluate((device) => {
    const tile = document.querySelector(`[data-testid="bench-slot"][data-device="${device}"]`);
    if (!tile) return null;
    const [downloaded = '', written = '', limit = ''] = ['pipe-downloaded', 'pipe-written', 'pipe-limit'].map((id) => tile.querySelector(`[data-testid="progress-download"] [data-testid="${id}"]`)?.textContent ?? '');
    return { state: tile.getAttribute('data-state') ?? '', downloaded, written, limit };
  }, device);
}

describe('a card bench of an image not cached yet, its first card written while it downloads, in Chromium through the station', { skip: skip ?? false }, () => {
  let station: CatalogMirrorStation;
  let fixture: Fixture & { xzPath: string };
  let cardDir: string;
  const cards: LoopDevice[] = [];

  before(async () => {
    const built = await makeFixture({ xz: 'osbuild', size: 160 * MiB, espMib: 32, bootMib: 32, rootFillMib: 24, seed: 31 });
    fixture = { ...built, xzPath: built.xzPath! };
    cardDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-e2e-bench-stream-cards-'));
    station = await openCatalogMirrorStation('bench-stream', { aarch64: readFileSync(fixture.xzPath) }, { FIOT_TEST_CARD_DIR: cardDir });
  });

  after(async () => {
    for (const card of cards) card.detach();
    await station?.close();
    if (cardDir) rmSync(cardDir, { recursive: true, force: true });
  });

  it('the first card’s tile shows the download and the card’s bytes while it is written, then the card holds the image', { timeout: 300_000 }, async () => {
    const { session, mirror } = station;
    const page = await session.browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await chooseMirrorImage(page, session.station.url);

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

      // The tile while its card is written, sampled until the card's write ends.
      const samples: TileSample[] = [];
      let shotTaken = false;
      for (;;) {
        const sample = await sampleTile(page, card.device);
        if (!sample || ['done', 'failed', 'refused', 'cancelled'].includes(sample.state)) break;
        if (sample.downloaded) samples.push(sample);
        if (!shotTaken && /\(\d+%\)/.test(sample.downloaded) && /^Written [1-9]/.test(sample.written)) {
          const file = screenshotPath('bench-stream-first-tile');
          if (file) await tile.screenshot({ path: file });
          shotTaken = true;
        }
        await page.waitForTimeout(100);
      }
      assert.equal(await tile.getAttribute('data-state'), 'done', await tile.innerText());
      assert.deepEqual(pageErrors, []);

      const during = samples.filter((s) => /^Downloaded [\d.]+ [kMG]?B of [\d.]+ [kMG]?B \((\d|[1-9]\d)%\)/.test(s.downloaded));
      assert.ok(during.length > 0, `the tile showed the download's bytes and share: ${JSON.stringify(samples.slice(0, 3))}`);
      assert.ok(during.some((s) => s.state === 'writing' && /^Written [1-9][\d.]* [kMG]?B to this card$/.test(s.written)), `the card's bytes grew while it downloaded: ${JSON.stringify(during.slice(-3))}`);
      assert.ok(samples.every((s) => s.limit !== ''), 'a pace sentence each time');
      // Written, the tile says so in place of the pipes.
      assert.equal(await tile.locator('[data-testid="progress-download"]').count(), 0, 'no pipes once the card is written');

      await assertCardHoldsImage(fixture, card.device);
      const kept = cachedEntries(path.join(station.dataDir, 'cache')).find((e) => e.name === IMAGE_NAME);
      assert.ok(kept?.file, 'the download is in the image cache');
      assert.equal(mirror.downloads(IMAGE_PATH).length, 1, 'downloaded once, while the card was written');
    } finally {
      station.mirror.faults.throttle = undefined;
      await page.close();
    }
  });
});
