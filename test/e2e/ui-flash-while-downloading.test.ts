/**
 * A catalog image not cached yet, chosen and written in Chromium through the station, from a
 * loopback mirror sending at a limited rate (its release index, signed CHECKSUM and the `.xz` as
 * osbuild compresses it) onto a loop device. One click chooses the image without downloading it;
 * the write downloads it while it writes the card. While it runs, the Write step shows both pipes
 * (the bytes downloaded at the download's own speed, the bytes written) and which one sets the
 * pace, in words, once the first seconds tell; its bar never drawn ahead of its figure; the summary
 * names the download's size and the image's size on the card. Afterwards the
 * card holds the image (partition table, filesystems checked, every used byte compared) and the
 * image cache holds the download. "Download only" of another image shows its progress in the
 * chosen image's panel, then how the download was checked; the station's list offers a download
 * and its decompressed copy as one image; the file path box holds only what was typed there.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { formatSize } from '../../shared/format-size';
import { makeFixture, type Fixture } from '../fixtures/fixture';
import { chromiumSkipReason, screenshotPath } from '../helpers/browser';
import { cachedEntries } from '../helpers/cache-copy';
import { assertCardHoldsImage } from '../helpers/card-check';
import { catalogImage, chooseMirrorImage, openCatalogMirrorStation, type CatalogMirrorStation } from '../helpers/catalog-mirror-station';
import type { ImageServer } from '../helpers/image-server';
import { createLoopDisk } from '../helpers/loop';
import { makeSmallImage } from '../helpers/small-image';
import type { StationSession } from '../helpers/station-session';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { addTarget, confirmErase, continueToDrives } from '../helpers/ui-steps';

const MiB = 1024 * 1024;
const skip = loopSkipReason() ?? chromiumSkipReason() ?? commandsSkipReason('xz', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'e2fsck', 'fsck.vfat');
const { name: IMAGE_NAME, path: IMAGE_PATH } = catalogImage('aarch64');
/** ~3 MB/s: the download takes several seconds (more than the pace verdict waits), slower than the loop device takes the bytes. */
const RATE = { bytes: 32 * 1024, ms: 10 };
/** The x86_64 image: other bytes (not in the cache when it is chosen), ~1.6 MB/s for "Download only". */
const { name: X86_NAME, path: X86_PATH } = catalogImage('x86_64');
const SLOW = { bytes: 16 * 1024, ms: 10 };

async function shot(page: Page, name: string): Promise<void> {
  const file = screenshotPath(name);
  if (file) await page.screenshot({ path: file, fullPage: true });
}

/** What the Write step shows of the two pipes at one moment, or null when it shows none. */
interface PipesSample {
  downloaded: string;
  written: string;
  limit: string;
  limitedBy: string;
  /** The line under the main bar. */
  details: string;
}

async function samplePipes(page: Page): Promise<PipesSample | null> {
  // No named helper inside: the page runs the function's source as it is.
  return page.evaluate(() => {
    const pipes = document.querySelector('[data-testid="progress-download"]');
    if (!pipes) return null;
    const [downloaded = '', written = '', limit = ''] = ['pipe-downloaded', 'pipe-written', 'pipe-limit'].map((id) => pipes.querySelector(`[data-testid="${id}"]`)?.textContent ?? '');
    const details = document.querySelector('[data-testid="progress-details"]')?.textContent ?? '';
    return { downloaded, written, limit, limitedBy: pipes.getAttribute('data-limited-by') ?? '', details };
  });
}

/**
 * Watches the Write step's main bar on every frame the page draws: how far, at most, its fill is
 * drawn ahead of the figure written beside it, kept in `window.fillAhead`.
 */
async function watchMainBar(page: Page): Promise<void> {
  // Given as source: a named function inside would be renamed by the test's transpiler, whose helper the page lacks.
  await page.evaluate(`(() => {
    const record = { most: 0, at: '' };
    window.fillAhead = record;
    const frame = () => {
      const bar = document.querySelector('[data-testid="progress"] > .progress-bar');
      const fill = bar && bar.querySelector('.progress-fill');
      const figure = /^(\\d+)%$/.exec((document.querySelector('[data-testid="progress-percent"]') || {}).textContent || '');
      if (bar && fill && figure && !fill.classList.contains('indeterminate')) {
        const drawn = (fill.getBoundingClientRect().width / bar.getBoundingClientRect().width) * 100;
        const ahead = drawn - Number(figure[1]);
        if (ahead > record.most) Object.assign(record, { most: ahead, at: drawn.toFixed(1) + '% drawn beside ' + figure[0] + ', ' + document.querySelector('[data-testid="progress-headline"]').textContent });
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  })()`);
}

describe('a catalog image not cached yet, written while it downloads, in Chromium through the station', { skip: skip ?? false }, () => {
  let opened: CatalogMirrorStation;
  let session: StationSession;
  let mirror: ImageServer;
  let fixture: Fixture & { xzPath: string };
  let dataDir: string;
  let xz: Buffer;
  let x86: Buffer;
  let x86Dir: string;

  before(async () => {
    const built = await makeFixture({ xz: 'osbuild', size: 160 * MiB, espMib: 32, bootMib: 32, rootFillMib: 24, seed: 20 });
    fixture = { ...built, xzPath: built.xzPath! };
    xz = readFileSync(fixture.xzPath);
    x86Dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-e2e-stream-x86-'));
    x86 = readFileSync(makeSmallImage(x86Dir, { arch: 'x86_64', random: 6 * MiB }));
    opened = await openCatalogMirrorStation('stream', { aarch64: xz, x86_64: x86 });
    ({ session, mirror, dataDir } = opened);
  });

  after(async () => {
    await opened?.close();
    if (x86Dir) rmSync(x86Dir, { recursive: true, force: true });
  });

  it('one click chooses it, the write downloads it while it writes the card, showing both pipes and which one limits', { timeout: 300_000 }, async () => {
    const card = createLoopDisk(fixture.size + 8 * MiB, 'fiot-e2e-stream-');
    const page = await session.browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await chooseMirrorImage(page, session.station.url);
      assert.equal(mirror.downloads(IMAGE_PATH).length, 0, 'choosing downloads nothing');
      await shot(page, 'stream-1-chosen');

      await continueToDrives(page);
      await addTarget(page, card.device);
      await page.getByRole('button', { name: 'Continue' }).click();
      // The summary names the download's size and the image's size on the card, each as what it is.
      assert.equal(await page.getByTestId('plan-streamed').innerText(), `(a ${formatSize(xz.length)} download, ${formatSize(fixture.size)} on each card), downloaded while the cards are written`);
      mirror.faults.throttle = RATE;
      await watchMainBar(page);
      await page.getByTestId('flash-button').click();
      await confirmErase(page);

      // The Write step while it runs: what it shows of both pipes, sampled until the outcome.
      const outcome = page.locator('[data-testid="result-success"], [data-testid="result-failure"]');
      const samples: PipesSample[] = [];
      let shotTaken = false;
      while (!(await outcome.count())) {
        const sample = await samplePipes(page);
        if (sample) samples.push(sample);
        if (sample && !shotTaken && /\(\d+%\)/.test(sample.downloaded) && !/^Written 0 B/.test(sample.written)) {
          await shot(page, 'stream-2-both-pipes');
          shotTaken = true;
        }
        await page.waitForTimeout(100);
      }
      assert.equal(await outcome.first().getAttribute('data-testid'), 'result-success', await outcome.first().innerText());
      assert.deepEqual(pageErrors, []);

      // Both pipes were shown with their bytes, written bytes growing while the download was incomplete.
      const during = samples.filter((s) => /^Downloaded [\d.]+ [kMG]?B of [\d.]+ [kMG]?B \((\d|[1-9]\d)%\)( · [\d.]+ [kMG]?B\/s)?$/.test(s.downloaded));
      assert.ok(during.length > 0, `the download's bytes and share were shown: ${JSON.stringify(samples.slice(0, 3))}`);
      assert.ok(during.some((s) => /^Written [1-9][\d.]* [kMG]?B to each card$/.test(s.written)), `bytes were written while it downloaded: ${JSON.stringify(during.slice(-3))}`);
      assert.ok(during.some((s) => s.limitedBy === 'download' && s.limit === 'The download is the slower part: the cards wait for its bytes.'), 'the download was said to set the pace');
      assert.ok(samples.every((s) => s.limit !== ''), 'a pace sentence each time');
      // No verdict for the cards from the first moments (the download's comes once the card caught up with it): until then the sentence says so.
      assert.notEqual(samples[0]?.limitedBy, 'card', `the first sample: ${JSON.stringify(samples[0])}`);
      const unknown = samples.filter((s) => s.limitedBy === 'unknown');
      assert.ok(unknown.every((s) => s.limit === 'Which is the slower part, the download or the cards, shows after the first seconds.'), JSON.stringify(unknown.slice(0, 2)));
      assert.ok(during.some((s) => /· [\d.]+ [kMG]?B\/s$/.test(s.downloaded)), `the download's own speed was shown: ${JSON.stringify(during.slice(-3))}`);
      // Under the main bar: how much of the download reached the card, not the image's position racing over its free space.
      const told = during.filter((s) => s.details !== '');
      assert.ok(told.some((s) => /^[\d.]+ [kMG]?B of the [\d.]+ [kMG]?B download written to the cards( · about .+ left in this step)?$/.test(s.details)), `the detail line: ${JSON.stringify(told.slice(-3).map((s) => s.details))}`);
      assert.ok(told.every((s) => !/image done/.test(s.details)), 'no image position while it downloads');
      // The main bar's fill was never drawn ahead of the figure beside it (a "0%" over a quarter-full bar).
      const ahead = await page.evaluate(() => (window as unknown as { fillAhead: { most: number; at: string } }).fillAhead);
      assert.ok(ahead.most <= 2, `the fill ran ${ahead.most.toFixed(1)} points ahead of the figure (${ahead.at})`);

      // What a person would check: the card holds the image, and the download stayed in the image cache.
      await assertCardHoldsImage(fixture, card.device);
      const kept = cachedEntries(path.join(dataDir, 'cache')).find((e) => e.name === IMAGE_NAME);
      assert.ok(kept?.file, 'the download is in the image cache');
      assert.ok(readFileSync(path.join(dataDir, 'cache', kept.file)).equals(xz), 'byte for byte as served');
      assert.equal(mirror.downloads(IMAGE_PATH).length, 1, 'downloaded once, while it was written');

      // The next cards come from the kept file: the Image step (and the Write step's summary, from the same mark) no longer says it downloads.
      await page.getByTestId('flash-new-cards').click();
      await page.getByTestId('nav-image').click();
      await page.getByTestId('image-kept').waitFor();
      assert.match(await page.getByTestId('image-kept').innerText(), /^Downloaded and kept in the image cache by the last write: the next cards are written from it/);
      assert.equal(await page.getByTestId('image-streamed').count(), 0, 'no "Not downloaded yet" once it is kept');
    } finally {
      mirror.faults.throttle = undefined;
      await page.close();
      card.dispose();
    }
  });
  // After the write above: the cache holds the aarch64 download and the decompressed copy that write made of it.
  it('"Download only" shows its progress where it was clicked, then that it is downloaded and whose signature checked it; a download and its copy are one listed image; the path box is left as typed', { timeout: 180_000 }, async () => {
    const page = await session.browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const pathBox = () => page.getByLabel('Image file path').inputValue();
    const awayAndBack = async () => {
      await page.getByTestId('step-continue').click();
      await page.getByTestId('nav-image').click();
      await page.getByTestId('image-summary').waitFor();
    };
    try {
      // A person starting afresh: not the draft the first walk left in this browser.
      await page.goto(session.station.url);
      await page.evaluate(() => localStorage.clear());
      await page.reload();
      const kept = cachedEntries(path.join(dataDir, 'cache')).find((e) => e.name === IMAGE_NAME);
      assert.ok(kept?.raw && /\.raw$/.test(kept.raw.file), 'the first write kept the decompressed copy beside the download');
      const offered = page.getByTestId('offered-images');
      await offered.getByTestId('offered-image').first().waitFor();
      const listed = async () => (await offered.getByTestId('offered-image').allInnerTexts()).filter((name) => name.startsWith('Fedora-IoT-raw-43'));
      assert.deepEqual(await listed(), [IMAGE_NAME], 'the download once, not also its decompressed copy as a second image');

      await page.locator('[data-testid="board-card"][data-board="uefi-x86_64"]').click();
      await page.locator(`[data-testid="catalog-entry"][data-entry="raw:${X86_NAME}"]`).click();
      const streamed = page.getByTestId('image-streamed');
      await streamed.waitFor();
      await awayAndBack();
      assert.equal(await pathBox(), '', 'the catalog pick is not typed into the file path box');

      mirror.faults.throttle = SLOW;
      await page.getByTestId('download-only').click();
      // Where it was clicked: the download's phase, share and bytes, until the downloaded file is the chosen image.
      const done = page.locator('[data-testid="image-downloaded"], [data-testid="catalog-download-error"], [data-testid="image-error"]');
      const samples: string[] = [];
      const deadline = Date.now() + 90_000;
      while (!(await done.count()) && Date.now() < deadline) {
        const progress = page.getByTestId('image-download-progress');
        if (await progress.count()) samples.push(await progress.innerText().catch(() => ''));
        if (samples.length === 10) await shot(page, 'stream-3-downloading-only');
        await page.waitForTimeout(100);
      }
      mirror.faults.throttle = undefined;
      await shot(page, 'stream-4-downloaded-only');
      assert.ok(await done.count(), `the panel said neither that it is downloaded nor why not: ${JSON.stringify(samples.slice(-3))}`);
      assert.equal(await done.first().getAttribute('data-testid'), 'image-downloaded', await done.first().innerText());
      assert.ok(samples.some((text) => /^Downloading\s+\d+%\s+[\d.]+ [kM]?B of [\d.]+ MB/.test(text)), `its progress was shown in the panel: ${JSON.stringify(samples.slice(0, 3))}`);
      assert.match(await done.innerText(), /^Downloaded and kept in the image cache[\s\S]*Signature verified by Fedora \(test\)/);
      assert.equal(await streamed.count(), 0, 'no longer "not downloaded yet"');
      // What a person would check: the chosen file is the published image, byte for byte.
      const chosen = await page.getByTestId('image-summary').locator('.path').innerText();
      assert.ok(readFileSync(chosen).equals(x86), 'the chosen file is the download, as served');
      assert.equal(mirror.downloads(X86_PATH).length, 1);
      await awayAndBack();
      assert.equal(await pathBox(), '', 'nor is the downloaded file\'s path');
      await offered.getByRole('button', { name: X86_NAME, exact: true }).waitFor();
      assert.deepEqual((await listed()).sort(), [IMAGE_NAME, X86_NAME].sort());
      assert.deepEqual(pageErrors, []);
    } finally {
      mirror.faults.throttle = undefined;
      await page.close();
    }
  });
});
