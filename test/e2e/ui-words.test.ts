/**
 * The words and looks the last walk still found, checked in Chromium through an offline station
 * the way a person would notice them: one name per thing with a "what is this?" where it is first
 * met (station, card bench, saved settings, numbering, device table, Ignition, a container
 * image), and the other terms an evaluator met each after plain words; the medium named by the
 * board (a USB stick for a PC, a card for a Pi, both while no board is chosen); drop-downs and
 * radio groups drawn like the rest of the form; History's buttons each saying what they save; and
 * a Download tab that never keeps an old "Failed" over a later choice or a later success.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { glossary } from '../../shared/glossary';
import { chromiumSkipReason, screenshotPath } from '../helpers/browser';
import { createLoopDisk } from '../helpers/loop';
import { startRouteServer } from '../helpers/route-server';
import { openStationSession, type StationSession } from '../helpers/station-session';
import { loopSkipReason } from '../helpers/system';
import { addTarget, chooseBoard, chooseOfferedImage } from '../helpers/ui-steps';
import { offlineCatalogEnv } from '../helpers/walk';

const skip = chromiumSkipReason();
const WIDE = { width: 1280, height: 800 };
const continueButton = (page: Page) => page.getByRole('button', { name: 'Continue', exact: true });

/** The step's lead under its title, and everything its panel says. */
async function stepWords(page: Page): Promise<{ lead: string; panel: string }> {
  return { lead: await page.locator('.panel-lead').first().innerText(), panel: await page.locator('main.panel').innerText() };
}

async function shot(page: Page, name: string): Promise<void> {
  const file = screenshotPath(`words-${name}`);
  if (file) await page.screenshot({ path: file });
}

describe('words and looks, in Chromium through the station', { skip: skip ?? false }, () => {
  let session: StationSession;
  let dataDir: string;
  let offered: string;

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-e2e-words-'));
    session = await openStationSession('words', await offlineCatalogEnv(dataDir));
    const tiny = path.join(dataDir, 'tiny.img');
    if (!existsSync(tiny)) writeFileSync(tiny, Buffer.alloc(4 * 1024 * 1024));
    offered = path.basename(session.offer(tiny));
  });

  after(async () => {
    await session?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function onPage(walk: (page: Page) => Promise<void>): Promise<void> {
    const page = await session.browser.context.newPage();
    await page.setViewportSize(WIDE);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(session.station.url);
      await walk(page);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  }

  it('a laptop is written a USB stick, a Pi a card, and with no board chosen the app says both', { timeout: 90_000 }, async () => {
    await onPage(async (page) => {
      await chooseBoard(page, /^PC, laptop or NUC/);
      await chooseOfferedImage(page, offered);
      await continueButton(page).click();
      const firstBoot = await stepWords(page);
      assert.match(firstBoot.lead, /set each USB stick up on its first boot/);
      assert.equal(await page.getByLabel(/^Set up the USB sticks on their first boot/).count(), 1);
      await continueButton(page).click();
      await page.getByTestId('step-drives').waitFor();
      const drives = await stepWords(page);
      assert.match(drives.lead, /^Choose the USB sticks to write\./);
      assert.match(await page.getByTestId('continue-reason').innerText(), /^Tick a USB stick to write\./);
      assert.doesNotMatch(`${drives.panel}\n${await page.getByTestId('continue-reason').innerText()}`, /\bcards?\b/i, 'a laptop has no card');
      await shot(page, 'pc-drives');

      // The same page, a Raspberry Pi chosen instead: a card.
      await page.getByTestId('nav-image').click();
      await chooseBoard(page, /^Raspberry Pi 4/);
      await chooseOfferedImage(page, offered);
      await page.getByTestId('nav-drives').click();
      await page.getByTestId('step-drives').waitFor();
      assert.match((await stepWords(page)).lead, /^Choose the cards to write\./);
      assert.doesNotMatch(await page.locator('main.panel').innerText(), /USB stick/);
    });
    // A fresh page, no board chosen: both, never a bare "card" for what may be a stick.
    await onPage(async (page) => {
      await chooseOfferedImage(page, offered);
      await continueButton(page).click();
      assert.equal(await page.getByLabel(/^Set up the cards or USB sticks on their first boot/).count(), 1);
      await continueButton(page).click();
      assert.match((await stepWords(page)).lead, /^Choose the cards or USB sticks to write\./);
    });
  });

  it('one name per thing, each explained where it is first met', { timeout: 90_000 }, async () => {
    await onPage(async (page) => {
      // The top bar: the station badge explains itself; the card bench is not "Station mode".
      await page.getByTestId('host-badge').waitFor();
      const what = page.getByTestId('what-is-station');
      assert.equal(await what.getAttribute('aria-expanded'), 'false');
      assert.equal(await page.getByTestId('what-is-station-text').isVisible(), false);
      await what.click();
      assert.equal(await page.getByTestId('what-is-station-text').innerText(), glossary.station.line);
      await shot(page, 'what-is-station');
      await what.press('Enter');
      assert.equal(await page.getByTestId('what-is-station-text').isVisible(), false, 'pressed again, it goes');
      const body = await page.locator('body').innerText();
      assert.doesNotMatch(body, /station mode|bench session/i);

      await page.getByRole('button', { name: 'Card bench', exact: true }).click();
      assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /^Card bench$/);
      assert.ok((await page.getByTestId('bench-lead').innerText()).startsWith(glossary.cardBench.line));
      assert.doesNotMatch(await page.locator('main.panel').innerText(), /session|profile|series/i);
      await page.getByTestId('tool-close').click();

      // A container, met under the image step's Advanced and on its Build tab: said what it is, with bootc and podman.
      await chooseBoard(page, /^Raspberry Pi 4/);
      await page.getByTestId('catalog-advanced').locator('summary').first().click();
      await page.getByTestId('catalog-advanced').getByTestId('what-is-containerImage').click();
      assert.equal(await page.getByTestId('what-is-containerImage-text').innerText(), glossary.containerImage.line);
      await page.getByRole('tab', { name: 'Build from a container' }).click();
      await page.getByTestId('build-source').getByTestId('what-is-containerImage').click();
      const containerLine = page.getByTestId('build-source').getByTestId('what-is-containerImage-text');
      assert.match(await containerLine.innerText(), /^A container image is .*bootc, the tool .*podman, the program that runs containers\.$/);
      // Its "?" ends a line near the window's right edge: the words open leftwards, all of them in the window.
      const box = (await containerLine.boundingBox())!;
      assert.ok(box.x >= 0 && box.x + box.width <= WIDE.width, `the line spans ${box.x} to ${box.x + box.width} px in a ${WIDE.width} px window`);

      // The First boot step: what will be written says what Ignition is; saved settings, numbering and the device table, each with its line.
      await chooseOfferedImage(page, offered);
      await continueButton(page).click();
      await page.getByLabel(/on their first boot/).check();
      await page.getByLabel('Hostname', { exact: true }).fill('sensor-{n:03}');
      for (const [term, line] of [['ignition', glossary.ignition.line], ['firstBootSettings', glossary.firstBootSettings.line], ['numbering', glossary.numbering.line], ['deviceTable', glossary.deviceTable.line]] as const) {
        await page.getByTestId(`what-is-${term}`).click();
        assert.equal(await page.getByTestId(`what-is-${term}-text`).innerText(), line, term);
        await page.getByTestId(`what-is-${term}`).click();
      }
      // Folded under Advanced, Zezere is said what it is before which images have it.
      await page.getByTestId('profile-advanced').locator('summary').click();
      assert.match(await page.getByTestId('profile-advanced').innerText(), /Use a Zezere provisioning server\s*A server that gives each device its settings once you claim the device in its web page\./);
      assert.equal(await page.getByLabel('Saved settings').count(), 1);
      assert.equal(await page.getByText('Continue the numbering').count(), 1);
      assert.equal(await page.getByRole('group', { name: /^Device table/ }).count(), 1);
      assert.doesNotMatch(await page.locator('main.panel').innerText(), /\b(profile|series)\b/i);
    });
  });

  it('the terms an evaluator met come after plain words: processors, firmware, U-Boot, image files, checksums, the cache, the administrator, keys, Wi-Fi security', { timeout: 90_000 }, async () => {
    await onPage(async (page) => {
      const boards = page.getByTestId('board-list');
      await boards.waitFor();
      const pc = await boards.locator('[data-board="uefi-x86_64"]').innerText();
      assert.match(pc, /PC processor \(x86_64\)/);
      assert.match(pc, /they start in UEFI mode/);
      assert.match(await boards.locator('[data-board="rpi4"]').innerText(), /64-bit Arm \(aarch64\)/);
      assert.match(await boards.innerText(), /Arm boards and servers whose firmware is UEFI \(SystemReady, EDK2\)/);
      const rockpro = await boards.locator('[data-board="rockpro64"]').innerText();
      assert.match(rockpro, /Needs its own start-up program \(U-Boot\) first/);
      assert.match(rockpro, /start-up program \(U-Boot, for the Rockchip RK3399\) first, on the board's flash chip \(SPI flash\)/);

      await page.getByRole('tab', { name: 'Image file' }).click();
      assert.match(await page.locator('main.panel').innerText(), /A disk image: a file ending in \.raw, \.img or \.iso, plain or compressed \(\.xz/);
      await page.getByRole('tab', { name: 'Download' }).click();
      assert.match(await page.locator('main.panel').innerText(), /Checksum from the publisher \(sha256, optional\)/);
      await page.getByRole('tab', { name: 'Cached images' }).click();
      assert.match(await page.getByTestId('cache-view').innerText(), /The image cache is where downloaded images are kept/);

      await chooseOfferedImage(page, offered);
      await continueButton(page).click();
      await page.getByLabel(/on their first boot/).check();
      const form = await page.locator('main.panel').innerText();
      assert.match(form, /An administrator account: it may run commands with sudo \(as a member of the “wheel” group\)/);
      assert.match(form, /A key lets your computer log in without a password: paste the one line of a \.pub file/);
      assert.deepEqual((await page.getByTestId('profile-wifiSecurity').locator('option').allInnerTexts()).slice(0, 2), ['WPA2 with a password (PSK)', 'WPA3 with a password (SAE)']);
    });
  });

  it('drop-downs and radio groups are drawn like the rest of the form', { skip: loopSkipReason() ?? false, timeout: 90_000 }, async () => {
    const card = createLoopDisk(16 * 1024 * 1024);
    try {
      await onPage(async (page) => {
        await chooseOfferedImage(page, offered);
        await continueButton(page).click();
        await page.getByLabel(/on their first boot/).check();
        const hostname = await page.getByLabel('Hostname', { exact: true }).evaluate((input) => {
          const style = getComputedStyle(input);
          return { radius: style.borderTopLeftRadius, border: style.borderTopColor };
        });
        const selects = page.locator('select');
        assert.ok(await selects.count() >= 3, 'Wi-Fi security, Wi-Fi country and saved settings are drop-downs');
        for (const style of await selects.evaluateAll((all) => all.map((select) => {
          const s = getComputedStyle(select);
          return { id: select.getAttribute('data-testid'), appearance: s.appearance, radius: s.borderTopLeftRadius, border: s.borderTopColor, chevron: s.backgroundImage.includes('gradient'), height: select.getBoundingClientRect().height };
        }))) {
          // Not the platform's grey button: the same corners and border as the text fields, and a chevron.
          assert.equal(style.appearance, 'none', `${style.id}`);
          assert.equal(style.radius, hostname.radius, `${style.id}`);
          assert.equal(style.border, hostname.border, `${style.id}`);
          assert.ok(style.chevron, `${style.id} draws its chevron`);
          assert.ok(style.height >= 34, `${style.id} is ${style.height} px tall`);
        }

        // A long choice (the Wi-Fi country's "Not set …") stays inside its group, not over the preview beside it.
        const previewLeft = await page.locator('.ignition-preview').evaluate((preview) => preview.getBoundingClientRect().left);
        for (const id of ['profile-wifiCountry', 'profile-wifiSecurity']) {
          const right = await page.getByTestId(id).evaluate((select) => select.closest('fieldset')!.getBoundingClientRect().right);
          assert.ok(right <= previewLeft, `${id}'s group ends at ${right} px, over the preview at ${previewLeft} px`);
        }
        await page.getByTestId('profile-wifiSecurity').scrollIntoViewIfNeeded();
        await shot(page, 'first-boot-selects');
        await page.getByLabel(/on their first boot/).uncheck();
        await continueButton(page).click();
        await addTarget(page, card.device);
        await page.getByTestId('tool-open-restore').click();
        const group = page.getByRole('group', { name: 'Card' });
        assert.equal(await group.evaluate((fieldset) => getComputedStyle(fieldset).borderTopStyle), 'none', 'no browser groove around the choices');
        const row = page.getByTestId('restore-drive').filter({ hasText: card.device });
        const before = await row.evaluate((label) => ({ border: getComputedStyle(label).borderTopStyle, background: getComputedStyle(label).backgroundColor }));
        assert.equal(before.border, 'solid', 'each choice is a bordered row, as a drive is');
        await row.click();
        assert.equal(await row.getByRole('radio').isChecked(), true, 'the whole row chooses it');
        assert.notEqual(await row.evaluate((label) => getComputedStyle(label).backgroundColor), before.background, 'the chosen row is marked');
        await shot(page, 'restore-choices');
      });
    } finally {
      card.dispose();
    }
  });

  it('History: one button per action, each saying what it saves', { timeout: 90_000 }, async () => {
    const image = path.join(session.imagesDir, 'history-card.raw');
    writeFileSync(image, Buffer.alloc(1024 * 1024, 7));
    const target = path.join(session.imagesDir, 'history-written.img');
    assert.ok((await session.core.router.handle('drives:resolve', { path: target })).ok);
    assert.ok((await session.core.router.handle('flash:start', { source: image, targets: [target] })).ok);
    await onPage(async (page) => {
      await page.getByTestId('history-open').click();
      await page.getByTestId('history-row').first().waitFor({ timeout: 60_000 });
      const names = await page.getByTestId('history-view').getByRole('button').allInnerTexts();
      assert.deepEqual(names.filter((name, i) => names.indexOf(name) !== i), [], 'no two buttons say the same');
      const saving = names.filter((name) => /CSV|JSON/.test(name));
      assert.deepEqual(saving.sort(), ['Save every card as a spreadsheet (CSV)', 'Save this batch as a spreadsheet (CSV)', 'Save this batch for scripts (JSON)']);
      assert.equal(await page.getByRole('region', { name: 'One batch' }).getByRole('button', { name: /CSV/ }).count(), 1);
      await shot(page, 'history');

      const whole = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save every card as a spreadsheet (CSV)' }).click()]);
      const batch = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save this batch as a spreadsheet (CSV)' }).click()]);
      assert.match(whole[0].suggestedFilename(), /^fiot-flash-history-.*\.csv$/);
      assert.notEqual(batch[0].suggestedFilename(), whole[0].suggestedFilename(), 'two different files');
      assert.match(readFileSync((await batch[0].path())!, 'utf8'), /history-written\.img/);
    });
  });

  it('the Download tab drops a failed download\'s "Failed" once another image is chosen, and after a later success', { timeout: 90_000 }, async () => {
    const closed = await startRouteServer(() => undefined);
    const gone = `${closed.base}/images/gone.raw`;
    await closed.close();
    const bytes = Buffer.alloc(2 * 1024 * 1024);
    const mirror = await startRouteServer((_req, res) => void res.writeHead(200, { 'content-length': String(bytes.length) }).end(bytes));
    try {
      await onPage(async (page) => {
        const failOnce = async () => {
          await page.getByRole('tab', { name: 'Download' }).click();
          await page.getByTestId('download-url').fill(gone);
          await page.getByTestId('download-sha256').fill('');
          await page.getByTestId('download-start').click();
          await page.getByTestId('download-error').waitFor({ timeout: 30_000 });
        };
        const failedShown = async () => (await page.getByTestId('download-error').count()) + (await page.locator('[data-testid="download-progress"][data-phase="failed"]').count());

        await failOnce();
        await chooseOfferedImage(page, offered);
        await page.getByRole('tab', { name: 'Download' }).click();
        assert.equal(await failedShown(), 0, 'a file chosen since: the old failure is gone');
        assert.doesNotMatch(await page.getByTestId('download-source').innerText(), /Failed/);

        await failOnce();
        await page.getByTestId('download-url').fill(`${mirror.base}/images/small.raw`);
        await page.getByTestId('download-sha256').fill(createHash('sha256').update(bytes).digest('hex'));
        await page.getByTestId('download-start').click();
        await page.locator('[data-testid="download-progress"][data-phase="done"]').waitFor({ timeout: 60_000 });
        assert.equal(await failedShown(), 0, 'the later success stands alone');
        assert.match(await page.getByTestId('download-progress').innerText(), /^Ready/);
        await shot(page, 'download-ready');
      });
    } finally {
      await mirror.close();
    }
  });
});
