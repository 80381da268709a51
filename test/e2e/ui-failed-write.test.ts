/**
 * What the app offers after a write fails, in Chromium through the station: the next step that
 * fixes the failure (another image for one that cannot take the first-boot setup), Retry only
 * where writing again can help, and the step list as it was before the write.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Station } from '../../electron/station/server';
import { chromiumSkipReason, type TestBrowser } from '../helpers/browser';
import { shotAtWidths } from '../helpers/a11y';
import { createLoopDisk } from '../helpers/loop';
import { ED25519_KEY } from '../helpers/ssh-keys';
import { addTarget, chooseImage, confirmErase, firstBootWithKey } from '../helpers/ui-steps';
import { loopSkipReason } from '../helpers/system';
import { openStationSession, type StationSession } from '../helpers/station-session';

const MiB = 1024 * 1024;
const skip = loopSkipReason() ?? chromiumSkipReason();

/** Whether the step list shows the step ticked (✓) and whether it can be opened. */
async function stepState(page: Page, id: string): Promise<{ done: boolean; open: boolean }> {
  const button = page.getByTestId(`nav-${id}`);
  const done = await button.evaluate((element) => element.closest('li')?.classList.contains('done') ?? false);
  return { done, open: !(await button.isDisabled()) };
}

describe('what a failed write offers, in Chromium through the station', { skip: skip ?? false }, () => {
  let session: StationSession;
  let station: Station;
  let browser: TestBrowser;

  before(async () => {
    session = await openStationSession('failed-write');
    ({ station, browser } = session);
  });

  after(async () => {
    await session?.close();
  });

  it('an image that cannot take the first-boot setup: offers another image, no Retry, and the steps stay as they were', { timeout: 120_000 }, async () => {
    // A disk image with no partitions at all: writable, but there is no "boot" partition to set up.
    const plain = path.join(session.imagesDir, 'plain.img');
    writeFileSync(plain, Buffer.alloc(8 * MiB, 0x5a));
    const card = createLoopDisk(16 * MiB);
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(station.url);
      await chooseImage(page, plain);
      await firstBootWithKey(page, ED25519_KEY);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByTestId('step-drives').waitFor();
      await addTarget(page, card.device);
      await page.getByRole('button', { name: 'Continue' }).click();
      const before = { image: await stepState(page, 'image'), provisioning: await stepState(page, 'provisioning'), drives: await stepState(page, 'drives') };
      assert.deepEqual(before, { image: { done: true, open: true }, provisioning: { done: true, open: true }, drives: { done: true, open: true } });

      // From the moment the outcome shows, every state of the first three steps is noted: none may lose its ✓ or lock, even for a moment.
      // A script string: the test's TypeScript transform would wrap named functions in a helper the page lacks.
      await page.evaluate(`(() => {
        window.stepStates = [];
        const nav = document.querySelector('.step-nav');
        new MutationObserver(() => {
          if (!document.querySelector('[data-testid="result-failure"], [data-testid="result-success"]')) return;
          const now = [...nav.querySelectorAll('li')].slice(0, 3).map((li) => (li.classList.contains('done') ? '✓' : '-') + (li.querySelector('button').disabled ? ' locked' : '')).join(', ');
          if (!window.stepStates.includes(now)) window.stepStates.push(now);
        }).observe(document.body, { subtree: true, attributes: true, childList: true, characterData: true });
      })()`);
      await page.getByTestId('flash-button').click();
      await confirmErase(page);
      const outcome = page.locator('[data-testid="result-success"], [data-testid="result-failure"]');
      await outcome.waitFor({ timeout: 100_000 });
      assert.equal(await outcome.getAttribute('data-testid'), 'result-failure');
      assert.equal(await page.getByTestId('target-error').first().getAttribute('data-code'), 'NOT_FEDORA_IOT');
      // Let any refresh the end of a write sets off settle before reading the step list.
      await page.waitForTimeout(1000);
      await shotAtWidths(page, 'failed-1-not-fedora-iot');

      const after = { image: await stepState(page, 'image'), provisioning: await stepState(page, 'provisioning'), drives: await stepState(page, 'drives') };
      assert.deepEqual(after, before, 'the step list is as it was before the write');
      const seen = await page.evaluate(() => (window as unknown as { stepStates: string[] }).stepStates);
      assert.deepEqual(seen.filter((state) => state !== '✓, ✓, ✓'), [], 'after the write, no step lost its ✓ or locked, even for a moment');
      assert.equal(await page.getByRole('button', { name: /^Retry/ }).count(), 0, 'a retry would meet the same image');
      assert.equal(await page.getByRole('button', { name: /^Write more/ }).count(), 0, 'no card was written: there is nothing to write more of');
      const next = page.getByTestId('failure-next-step');
      assert.equal(await next.innerText(), 'Choose another image');
      assert.match(await next.getAttribute('class') ?? '', /\bprimary\b/);
      assert.equal(await page.getByRole('button', { name: 'Write anyway without first-boot setup' }).count(), 1);

      await next.click();
      await page.getByTestId('step-image').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'step-title', 'the keyboard is on the step it leads to');
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.close();
      card.dispose();
    }
  });
});
