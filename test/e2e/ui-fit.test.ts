/**
 * Words that fit where they are shown, in Chromium through the station: the top bar's buttons each
 * on one line at 800 px, the password field's words whole at 1280 px, and the step list's First
 * boot line without a "…" after a single hostname.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { chromiumSkipReason, screenshotPath } from '../helpers/browser';
import { openStationSession, type StationSession } from '../helpers/station-session';
import { ED25519_KEY } from '../helpers/ssh-keys';
import { chooseImage, firstBootWithKey } from '../helpers/ui-steps';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { shotAtWidths } from '../helpers/a11y';
import { offlineCatalogEnv } from '../helpers/walk';

const skip = chromiumSkipReason();

async function shot(page: Page, name: string): Promise<void> {
  const file = screenshotPath(name);
  if (file) await page.screenshot({ path: file });
}

describe('words that fit, in Chromium through the station', { skip: skip ?? false }, () => {
  let session: StationSession;

  before(async () => {
    session = await openStationSession('fit');
  });

  after(async () => {
    await session?.close();
  });

  it('at 800 px the top bar is one row, each button on one line; a tool it opens takes the keyboard', async () => {
    const page = await session.browser.context.newPage();
    try {
      await page.setViewportSize({ width: 800, height: 700 });
      await page.goto(session.station.url);
      await page.getByTestId('step-image').waitFor();
      await shot(page, 'fit-1-top-bar-800');
      const buttons = await page.locator('.top-bar button.top-bar-button').evaluateAll((elements) => elements.map((element) => {
        const style = getComputedStyle(element);
        const box = element.getBoundingClientRect();
        return { text: element.textContent, lines: Math.round((box.height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom) - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth)) / parseFloat(style.lineHeight)) };
      }));
      assert.ok(buttons.length >= 4, JSON.stringify(buttons));
      for (const button of buttons) assert.equal(button.lines, 1, `“${button.text}” is on ${button.lines} lines`);
      const brand = await page.locator('.top-bar .brand').evaluate((element) => element.getClientRects().length === 1 && element.getBoundingClientRect().height < 30);
      assert.ok(brand, 'the app’s name is on one line');
      const rows = await page.locator('.top-bar > *').evaluateAll((elements) => new Set(elements.map((element) => Math.round(element.getBoundingClientRect().bottom / 8))).size);
      assert.equal(rows, 1, 'the whole top bar is one row');

      // A tool opened from the top bar takes the keyboard, as a step does: not left on the top-bar button.
      await page.getByTestId('tool-open-restore').press('Enter');
      await page.getByTestId('tool-restore').waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'tool-title');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Restore a card');
    } finally {
      await page.close();
    }
  });

  it('at 1280 px the set password’s field says so in words that fit; one hostname gets no “…”', async () => {
    const image = path.join(session.imagesDir, 'tiny.img');
    writeFileSync(image, Buffer.alloc(4 * 1024 * 1024));
    const page = await session.browser.context.newPage();
    try {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(session.station.url);
      await chooseImage(page, image);
      await firstBootWithKey(page, ED25519_KEY);
      await page.getByLabel('Hostname', { exact: true }).fill('maya-pi');
      await page.getByLabel('Password (optional)').fill('correct horse battery staple');
      await page.getByLabel('Type it again').fill('correct horse battery staple');
      await page.getByTestId('profile-password-state').filter({ hasText: 'Password set' }).waitFor();
      const field = page.getByTestId('profile-password');
      await page.waitForFunction(() => (document.querySelector('[data-testid="profile-password"]') as HTMLInputElement | null)?.value === '');
      const fit = await field.evaluate((element) => {
        const input = element as HTMLInputElement;
        const style = getComputedStyle(input);
        const context = document.createElement('canvas').getContext('2d')!;
        context.font = style.font;
        const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return { placeholder: input.placeholder, width: context.measureText(input.placeholder).width, room };
      });
      await shot(page, 'fit-2-password-1280');
      assert.ok(fit.width <= fit.room, `“${fit.placeholder}” needs ${Math.ceil(fit.width)} px, the field has ${Math.floor(fit.room)} px`);

      const summary = page.getByTestId('nav-provisioning').locator('.step-summary');
      await summary.filter({ hasText: 'maya-pi' }).waitFor();
      assert.equal(await summary.innerText(), 'Hostname maya-pi');
      await page.getByLabel('Hostname', { exact: true }).fill('maya-{n}');
      await summary.filter({ hasText: 'maya-1' }).waitFor();
      assert.equal(await summary.innerText(), 'Cards or USB sticks named maya-1, …');
    } finally {
      await page.close();
    }
  });
});

describe('offline, the download notice’s Retry, in Chromium through the station', { skip: skip ?? false }, () => {
  let session: StationSession;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-fit-offline-'));
    session = await openStationSession('fit-offline', await offlineCatalogEnv(dataDir));
  });

  after(async () => {
    await session?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('says it is trying, keeps the notice and the keyboard on Retry, and says again that there is no network', { timeout: 60_000 }, async () => {
    const page = await session.browser.context.newPage();
    try {
      await page.goto(session.station.url);
      await page.getByTestId('catalog-offline').waitFor({ timeout: 30_000 });
      await page.locator('[data-testid="board-card"][data-board="rpi4"]').click();
      await page.getByTestId('catalog-entry').first().click();
      const retry = page.getByTestId('download-retry');
      await retry.waitFor();
      // Every word the button shows from here on, noted as the page draws it (a script string: see ui-failed-write).
      await page.evaluate(`(() => {
        window.retryWords = [];
        new MutationObserver(() => {
          const button = document.querySelector('[data-testid="download-retry"]');
          const words = button ? button.textContent : '(gone)';
          if (window.retryWords[window.retryWords.length - 1] !== words) window.retryWords.push(words);
        }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      })()`);
      await retry.focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => {
        const words = (window as unknown as { retryWords: string[] }).retryWords;
        return words.includes('Trying…') && words[words.length - 1] === 'Retry';
      }, undefined, { timeout: 30_000 });
      const words = await page.evaluate(() => (window as unknown as { retryWords: string[] }).retryWords);
      assert.ok(!words.includes('(gone)'), `the notice never went away: ${words.join(' → ')}`);
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'download-retry', 'the keyboard is still on Retry');
      await shotAtWidths(page, 'fit-3-offline-retry');

      // The offline banner's Retry too: it says when it tried, and the keyboard stays on it.
      await page.getByTestId('catalog-retry').focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('catalog-tried').waitFor({ timeout: 30_000 });
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'catalog-retry', 'the keyboard is still on the banner’s Retry');
    } finally {
      await page.close();
    }
  });
});
