/**
 * What a newcomer met on screen (offline, as many first tries are), each now checked the way they
 * would notice it: the window itself never scrolls, the first load asks for no file the station
 * lacks (a favicon's 404), Continue puts the keyboard on the next step's
 * heading, an offline download says "no network" and does not push to switch checks off, nothing
 * offers an empty image cache, a spreadsheet's bare addresses get "/24" in one click, and a write
 * with first-boot setup never counts cards as bytes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { CacheSummary } from '../../shared/domain/images';
import type { Fixture } from '../fixtures/fixture';
import { chromiumSkipReason } from '../helpers/browser';
import { createLoopDisk } from '../helpers/loop';
import { provisionFixture } from '../helpers/provision-fixture';
import { openStationSession, type StationSession } from '../helpers/station-session';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { addTarget, chooseOfferedImage, writeAndWait } from '../helpers/ui-steps';
import { offlineCatalogEnv } from '../helpers/walk';
import { startRouteServer } from '../helpers/route-server';

const skip = chromiumSkipReason();
const writeSkip = loopSkipReason() ?? commandsSkipReason('xz', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'debugfs');

const WIDE = { width: 1280, height: 800 };
const continueButton = (page: Page) => page.getByRole('button', { name: 'Continue', exact: true });

/** How far the window itself is scrolled, and how tall the page is against the window. */
function windowScroll(page: Page): Promise<{ scrollY: number; pageHeight: number; windowHeight: number }> {
  return page.evaluate(() => ({ scrollY: window.scrollY, pageHeight: document.documentElement.scrollHeight, windowHeight: window.innerHeight }));
}

async function assertWindowStill(page: Page, where: string): Promise<void> {
  const { scrollY, pageHeight, windowHeight } = await windowScroll(page);
  assert.equal(scrollY, 0, `${where}: the window scrolled by ${scrollY} px`);
  assert.ok(pageHeight <= windowHeight, `${where}: the page is ${pageHeight} px tall in a ${windowHeight} px window`);
}

/** The wheel over the step list and over the panel, and the panel scrolled to its end, as a person does. */
async function scrollEverywhere(page: Page, where: string): Promise<void> {
  const nav = await page.getByRole('navigation', { name: 'Steps' }).boundingBox();
  const panel = await page.locator('.panel-body').boundingBox();
  for (const box of [nav!, panel!]) {
    await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 200));
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, 600);
  }
  await page.locator('.panel-body').evaluate((body) => body.scrollTo(0, body.scrollHeight));
  await page.mouse.wheel(0, 600);
  await page.waitForTimeout(100);
  await assertWindowStill(page, where);
}

/** The element with the keyboard focus, as its tag, id and accessible words. */
function focused(page: Page): Promise<{ tag: string; id: string; text: string; label: string }> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    return { tag: element?.tagName ?? '', id: element?.id ?? '', text: element?.innerText?.trim() ?? '', label: element?.getAttribute('aria-label') ?? (element as HTMLInputElement | null)?.labels?.[0]?.innerText ?? '' };
  });
}

/**
 * A loopback proxy in front of the station that records the answer to every HTTP request the
 * browser makes, the ones it makes on its own too (a favicon), which a page's events never show.
 */
async function recordingProxy(stationPort: number): Promise<{ base: string; answers: string[]; close(): Promise<void> }> {
  const answers: string[] = [];
  const server = http.createServer((request, response) => {
    const headers = { ...request.headers, host: `127.0.0.1:${stationPort}` };
    const upstream = http.request({ host: '127.0.0.1', port: stationPort, path: request.url, method: request.method, headers }, (answer) => {
      answers.push(`${answer.statusCode} ${request.url?.split('?')[0]}`);
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answers,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('the newcomer\'s path, in Chromium through the station', { skip: skip ?? false }, () => {
  let session: StationSession;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-e2e-newcomer-'));
    session = await openStationSession('newcomer', await offlineCatalogEnv(dataDir));
  });

  after(async () => {
    await session?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** A fresh page of the station (at `size`, else the browser's default), closed after `walk`. */
  async function onPage(size: { width: number; height: number } | null, walk: (page: Page) => Promise<void>): Promise<void> {
    const page = await session.browser.context.newPage();
    if (size) await page.setViewportSize(size);
    try {
      await page.goto(session.station.url);
      await walk(page);
    } finally {
      await page.close();
    }
  }

  /** The small image from the station's folder, chosen on the image step. */
  const chooseTinyImage = (page: Page) => chooseOfferedImage(page, path.basename(session.offer(tinyImage(dataDir))));

  for (const size of [WIDE, { width: 800, height: 800 }]) {
    it(`at ${size.width} px the window never scrolls as a whole: only the step list and the panel do`, { timeout: 90_000 }, async () => {
      await onPage(size, async (page) => {
        await page.getByRole('button', { name: /^Raspberry Pi 4/ }).waitFor();
        await assertWindowStill(page, 'the first page');
        await scrollEverywhere(page, 'the board list');
        const before = await page.getByRole('banner').boundingBox();
        await chooseTinyImage(page);
        await continueButton(page).click();
        await page.getByLabel(/^Set up the .* on their first boot/).check();
        await page.getByLabel('Hostname', { exact: true }).waitFor();
        await scrollEverywhere(page, 'the first-boot form');
        assert.deepEqual(await page.getByRole('banner').boundingBox(), before, 'the top bar stays where it was');
        // In one column, what will be written comes before the long form, not under it.
        const preview = await page.getByRole('heading', { name: 'What will be written' }).evaluate((h) => h.getBoundingClientRect().top + (h.closest('.panel-body')?.scrollTop ?? 0));
        const hostname = await page.getByLabel('Hostname', { exact: true }).evaluate((f) => f.getBoundingClientRect().top + (f.closest('.panel-body')?.scrollTop ?? 0));
        if (size.width <= 1100) assert.ok(preview < hostname, `"What will be written" at ${preview} px, Hostname at ${hostname} px`);
      });
    });
  }

  it('the first load asks the station for nothing it lacks: no 404 for a favicon', { timeout: 60_000 }, async () => {
    const proxy = await recordingProxy(session.station.port);
    const page = await session.browser.context.newPage();
    try {
      await page.goto(`${proxy.base}/?token=${session.station.token}`, { waitUntil: 'load' });
      // The browser asks for /favicon.ico on its own shortly after the page has loaded, unless the page names its icon.
      await page.waitForTimeout(1500);
      assert.ok(proxy.answers.some((answer) => answer === '200 /'), proxy.answers.join(', '));
      // The API's socket (refused here: it comes from the proxy's origin) is not what a first load lacks.
      const files = proxy.answers.filter((answer) => !answer.endsWith(' /api'));
      assert.deepEqual(files.filter((answer) => !answer.startsWith('2')), [], `every file the first load asked for was there: ${files.join(', ')}`);
    } finally {
      await page.close();
      await proxy.close();
    }
  });

  it('Continue puts the keyboard on the next step\'s heading; the next Tab reaches its first field, Hostname before saved profiles', { timeout: 90_000 }, async () => {
    await onPage(WIDE, async (page) => {
      await chooseTinyImage(page);
      await continueButton(page).focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('step-provisioning').waitFor();
      assert.deepEqual(await focused(page), { tag: 'H1', id: 'step-title', text: 'First boot', label: '' });
      await page.keyboard.press('Tab');
      assert.match((await focused(page)).label, /^Set up the .* on their first boot/);
      await page.keyboard.press('Space');
      const seen: string[] = [];
      for (let i = 0; i < 10 && !/^Hostname/.test((await focused(page)).label); i++) {
        await page.keyboard.press('Tab');
        seen.push(await page.evaluate(() => document.activeElement?.closest('[data-testid]')?.getAttribute('data-testid') ?? ''));
      }
      assert.match((await focused(page)).label, /^Hostname/, `reached instead: ${seen.join(', ')}`);
      assert.ok(!seen.some((id) => /profile-save|profile-import|saved-profiles/.test(id)), `saved-profile controls came first: ${seen.join(', ')}`);
      assert.ok(seen.length <= 3, `${seen.length} Tab presses from the checkbox to Hostname`);

      // Back by the keyboard too: the heading again, not the footer.
      await page.getByLabel(/^Set up the .* on their first boot/).uncheck();
      await continueButton(page).focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('step-drives').waitFor();
      assert.deepEqual(await focused(page), { tag: 'H1', id: 'step-title', text: 'Drives', label: '' });
    });
  });

  it('offline, a download names the network, never offers to skip a check first, and shows no flags', { timeout: 90_000 }, async () => {
    const closed = await startRouteServer(() => undefined);
    const url = `${closed.base}/iot/Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz`;
    await closed.close();
    await onPage(WIDE, async (page) => {
      await page.getByRole('tab', { name: 'Download' }).click();
      await page.getByTestId('download-url').fill(url);
      for (const skipTicked of [false, true]) {
        if (skipTicked) await page.getByTestId('skip-signature').check();
        // Counts the failures that appear from now on, so the second try is not read off the first.
        await page.evaluate(() => {
          const state = { appeared: 0 };
          (window as unknown as { failures: typeof state }).failures = state;
          new MutationObserver((changes) => {
            for (const change of changes) for (const node of change.addedNodes) if (node instanceof HTMLElement && node.matches('[data-testid="download-error"]')) state.appeared++;
          }).observe(document.body, { subtree: true, childList: true });
        });
        await page.getByTestId('download-start').click();
        await page.waitForFunction(() => (window as unknown as { failures: { appeared: number } }).failures.appeared > 0, undefined, { timeout: 30_000 });
        const error = page.getByTestId('download-error');
        assert.equal(await error.getAttribute('data-code'), 'OFFLINE', `skip ticked: ${skipTicked}`);
        const words = await error.innerText();
        assert.match(words, /No network/);
        assert.match(words, /connected to the internet/);
        assert.doesNotMatch(words, /skip|signature|sha256|--/i, 'no weaker setting and no command-line flag offered');
        // An empty cache is never offered as a way on.
        assert.equal(await error.getByRole('button', { name: 'Use a cached image' }).count(), 0);
        assert.equal(await error.getByRole('button', { name: 'Use a file you have' }).count(), 1);
      }

      // From the catalog: the notice comes into view under the click, and the step list says why.
      await page.getByRole('tab', { name: 'Fedora IoT' }).click();
      await page.getByRole('button', { name: /^Raspberry Pi 4/ }).click();
      await page.getByTestId('catalog-entry').first().click();
      const notice = page.getByTestId('catalog-download-offline');
      await notice.waitFor({ timeout: 30_000 });
      await page.waitForFunction(() => {
        const box = document.querySelector('[data-testid="catalog-download-offline"]')?.getBoundingClientRect();
        const panel = document.querySelector('.panel-body')?.getBoundingClientRect();
        return Boolean(box && panel && box.top >= panel.top && box.bottom <= panel.bottom);
      }, undefined, { timeout: 5000 });
      assert.match(await notice.innerText(), /No network/);
      assert.equal(await notice.getByRole('button', { name: 'Use a cached image' }).count(), 0);
      assert.equal(await page.getByTestId('nav-image').locator('.step-summary').innerText(), 'Not chosen: offline');

      // The banner's Retry shows that it tried.
      await page.getByTestId('catalog-retry').click();
      assert.match(await page.getByTestId('catalog-tried').innerText(), /^Tried again at .+: still no answer\.$/);
      assert.match(await page.getByTestId('catalog-offline').innerText(), /as it was on \d{4}-\d{2}-\d{2} \(newer ones may exist\)/);

      // A file chosen instead replaces the failed pick: no entry stays highlighted.
      await page.getByTestId('catalog-download-offline').getByRole('button', { name: 'Use a file you have' }).click();
      await chooseTinyImage(page);
      await page.getByRole('tab', { name: 'Fedora IoT' }).click();
      assert.equal(await page.locator('[data-testid="catalog-entry"][aria-pressed="true"]').count(), 0);
      assert.equal(await page.getByTestId('catalog-download-offline').count(), 0);
    });
  });

  it('after choosing a PC offline: no PC image is said plainly, and the Build tab builds for a PC (x86_64), not for a Pi', { timeout: 60_000 }, async () => {
    await onPage(null, async (page) => {
      await page.getByRole('button', { name: /^PC, laptop or NUC/ }).click();
      // The list kept offline has no PC image: said as such, not as a search nobody typed.
      assert.match(await page.getByTestId('catalog-empty').innerText(), /^The list of releases shown has no ready-made image for this board \(it is the list kept from the last time this computer was online\)\. Connect to the internet and press Retry above, or use an image file you already have/);
      await page.getByRole('tab', { name: 'Build from a container' }).click();
      assert.equal(await page.getByTestId('build-arch').inputValue(), 'x86_64');
    });
  });

  it('Restore a card: a disabled button says why beside it', { timeout: 60_000 }, async () => {
    await onPage(null, async (page) => {
      await page.getByTestId('tool-open-restore').click();
      const button = page.getByTestId('restore-button');
      assert.equal(await button.isDisabled(), true);
      const why = await page.getByTestId('restore-why').innerText();
      assert.match(why, /^(Insert a card first|Choose the card to erase above first)\.$/);
      assert.equal(await button.getAttribute('aria-describedby'), 'restore-why');
    });
  });

  it('an empty image cache: "No images", nothing to prune or empty', { timeout: 60_000 }, async () => {
    await onPage(null, async (page) => {
      await page.getByRole('tab', { name: 'Cached images' }).click();
      const view = page.getByTestId('cache-view');
      await view.getByText(/^No images, 0 B on disk/).waitFor();
      assert.doesNotMatch(await view.innerText(), /image\(s\)/);
      assert.equal(await view.getByRole('button').count(), 0, 'no Prune, no Empty, no Use with nothing kept');
    });
  });

  it('a spreadsheet\'s table of 12 devices with bare addresses: one grouped problem, no ✓, and "/24" in one click', { timeout: 90_000 }, async () => {
    await onPage(WIDE, async (page) => {
      await chooseTinyImage(page);
      await continueButton(page).click();
      await page.getByLabel(/^Set up the .* on their first boot/).check();
      await page.getByLabel('Hostname', { exact: true }).fill('pump-{n:02}');
      const rows = Array.from({ length: 12 }, (_, i) => `pump-${String(i + 1).padStart(2, '0')},192.168.7.${i + 10},192.168.7.1`);
      await page.getByTestId('table-paste').fill(['hostname,ip,gateway', ...rows].join('\r\n') + '\r\n');
      await page.getByTestId('table-use-pasted').click();
      const problems = page.getByTestId('table-problems');
      await problems.waitFor();
      const items = await problems.getByRole('listitem').allInnerTexts();
      assert.deepEqual(items, ['Lines 2–13, column 2 (ip): must be an IPv4 address with a prefix length, such as 192.168.1.50/24']);
      assert.equal(await continueButton(page).isDisabled(), true, 'Continue waits for the table');
      assert.doesNotMatch(await page.getByTestId('nav-provisioning').innerText(), /✓/);
      await page.getByTestId('continue-reason').filter({ hasText: 'The device table needs correcting' }).waitFor();
      assert.match(await page.getByTestId('table-prefix-fix').innerText(), /12 rows give an address without the network’s size/);

      await page.getByRole('button', { name: 'Treat these as /24' }).click();
      await page.getByTestId('table-summary').waitFor();
      assert.equal(await problems.count(), 0);
      assert.match(await page.getByTestId('table-summary').innerText(), /12 devices/);
      // The same check the core makes before writing now accepts every row: the step opens on.
      await page.waitForFunction(() => !(document.querySelector('[data-testid="step-continue"]') as HTMLButtonElement | null)?.disabled);
      assert.equal(await page.getByTestId('table-prefix-fix').count(), 0);
    });
  });

  it('writing with first-boot setup counts cards as cards: never "B of 1 B", no speed while setting up, none once done', { skip: writeSkip ?? false, timeout: 240_000 }, async () => {
    const fixture: Fixture = await provisionFixture({ xz: true });
    const card = createLoopDisk(fixture.size);
    try {
      await onPage(WIDE, async (page) => {
        await chooseOfferedImage(page, path.basename(session.offer(fixture.xzPath!)));
        await continueButton(page).click();
        await page.getByLabel(/^Set up the .* on their first boot/).check();
        await page.getByLabel('Hostname', { exact: true }).fill('bench-pi');
        await page.waitForFunction(() => !(document.querySelector('[data-testid="step-continue"]') as HTMLButtonElement | null)?.disabled);
        await continueButton(page).click();
        await addTarget(page, card.device);
        // Every text the progress view shows, recorded as it changes (the first-boot phase is short).
        await page.evaluate(() => {
          const seen: string[] = [];
          (window as unknown as { progressSeen: string[] }).progressSeen = seen;
          new MutationObserver(() => {
            const view = document.querySelector('[data-testid="progress"]') as HTMLElement | null;
            if (view) seen.push(`${view.dataset.phase}|${view.innerText.replace(/\s+/g, ' ')}`);
          }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
        });
        const outcome = await writeAndWait(page, 200_000);
        assert.equal(await outcome.getAttribute('data-testid'), 'result-success', await outcome.innerText());
        const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
        assert.ok(seen.some((text) => text.startsWith('provisioning|')), 'the first-boot phase was seen');
        for (const text of seen) {
          assert.doesNotMatch(text, /\b\d+ B of \d+ B\b/, text);
          assert.doesNotMatch(text, /\b0 B\/s\b/, text);
          if (text.startsWith('provisioning|')) {
            assert.doesNotMatch(text, /\/s\b/, `no speed while setting up first boot: ${text}`);
            assert.match(text, /\d+ of 1 card set up/, text);
          }
          if (text.startsWith('done|')) assert.doesNotMatch(text, /\/s\b/, `no speed once done: ${text}`);
        }
        // Focus after writing lands on the outcome, not on the page.
        assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'result-banner', 'focus is on the outcome');
        // "Write more cards", at the end of the panel, is wholly above the footer once scrolled to.
        await page.locator('.panel-body').evaluate((body) => body.scrollTo(0, body.scrollHeight));
        const more = (await page.getByTestId('flash-new-cards').boundingBox())!;
        const footer = (await page.locator('.panel-actions').boundingBox())!;
        assert.ok(more.y + more.height <= footer.y, `"Write more cards" ends at ${more.y + more.height} px, the footer starts at ${footer.y} px`);
        await assertWindowStill(page, 'the result');
      });
    } finally {
      card.dispose();
    }
  });

  // Last: it leaves an image in the cache, which the tests above expect to be empty.
  it('a cache holding only an Arm image is not offered to a PC; its entry shows its whole name and whom it is for', { timeout: 120_000 }, async () => {
    const name = 'Fedora-IoT-raw-43-20251024.0.aarch64.raw.xz';
    const image = path.join(dataDir, name);
    writeFileSync(image, execFileSync('xz', ['-0', '-c'], { input: randomBytes(1 << 20), maxBuffer: 16 << 20 }));
    const source = session.offer(image, name);
    // Only this image in the cache: one of unknown architecture (the tiny image written above) is offered to every board.
    assert.ok((await session.core.router.handle('cache:prune', { limitBytes: 0 })).ok);
    // Written once (by the station's core, as another page would): its decompressed copy is kept in the cache.
    const target = path.join(session.imagesDir, 'arm-card.img');
    assert.ok((await session.core.router.handle('drives:resolve', { path: target })).ok);
    assert.ok((await session.core.router.handle('flash:start', { source, targets: [target] })).ok);
    for (let tries = 0; ; tries++) {
      const listed = await session.core.router.handle('cache:list', {});
      if (listed.ok && (listed.value as CacheSummary).entries.some((entry) => entry.name === name)) break;
      assert.ok(tries < 600, 'the flash left its image in the cache');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const closed = await startRouteServer(() => undefined);
    const url = `${closed.base}/iot/${name}`;
    await closed.close();
    await onPage({ width: 800, height: 800 }, async (page) => {
      for (const [board, offered] of [[/^PC, laptop or NUC/, 0], [/^Raspberry Pi 4/, 1]] as const) {
        await page.getByRole('tab', { name: 'Fedora IoT' }).click();
        if (offered) await page.getByRole('button', { name: 'Change device' }).click();
        await page.getByRole('button', { name: board }).click();
        await page.getByRole('tab', { name: 'Download' }).click();
        await page.getByTestId('download-url').fill(url);
        await page.getByTestId('download-start').click();
        const error = page.getByTestId('download-error');
        await page.waitForFunction(() => document.querySelector('[data-testid="download-error"]')?.getAttribute('data-code') === 'OFFLINE', undefined, { timeout: 30_000 });
        assert.equal(await error.getByRole('button', { name: 'Use a cached image' }).count(), offered, String(board));
      }
      await page.getByTestId('download-error').getByRole('button', { name: 'Use a cached image' }).click();
      const entry = page.getByTestId('cache-entry').first();
      await entry.waitFor();
      const shown = entry.locator('.cache-entry-name');
      assert.equal(await shown.innerText(), name);
      assert.ok(await shown.evaluate((el) => el.scrollWidth <= el.clientWidth), 'the whole name is in sight at 800 px');
      // Its own line across the entry, not a narrow column beside the board's words (wrapped every 10 characters).
      const widths = await shown.evaluate((el) => ({ name: el.getBoundingClientRect().width, entry: el.closest('.cache-entry')!.getBoundingClientRect().width, lines: el.getClientRects().length, height: el.getBoundingClientRect().height, line: parseFloat(getComputedStyle(el).lineHeight) }));
      assert.ok(widths.name > widths.entry / 2 && widths.height < 2 * widths.line, `the name is ${Math.round(widths.name)} px of ${Math.round(widths.entry)} px, ${Math.round(widths.height)} px tall`);
      assert.equal(await entry.getByTestId('cache-entry-arch').innerText(), 'For 64-bit Arm boards (aarch64)');
    });
  });
});

/** A small raw disk image of zeros, enough for the image step to accept (nothing writes it). */
function tinyImage(dir: string): string {
  const file = path.join(dir, 'tiny.img');
  if (!existsSync(file)) writeFileSync(file, Buffer.alloc(4 * 1024 * 1024));
  return file;
}
