/**
 * Keyboard-only use and the First boot form, as a tester who had not read the code met them at
 * 800 px in Chromium through the station (offline): where the focus goes after a button that
 * disappears, how many Tab presses reach a board and Continue, and what the First boot form says
 * about a passphrase it did not keep, a card with no login, several wrong fields and a hostname
 * typed with a space.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { shotAtWidths } from '../helpers/a11y';
import { chromiumSkipReason } from '../helpers/browser';
import { commandsSkipReason } from '../helpers/system';
import { chooseImage } from '../helpers/ui-steps';
import { openOfflineStation, type OfflineStation } from '../helpers/walk';

const skip = chromiumSkipReason() ?? commandsSkipReason('xz');
const NARROW = { width: 800, height: 800 };

/** The focused element: its tag, id, data-testid and words, or "BODY" when the focus fell to the page. */
function focused(page: Page): Promise<{ tag: string; id: string; testId: string; text: string }> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    return { tag: element?.tagName ?? '', id: element?.id ?? '', testId: element?.getAttribute('data-testid') ?? '', text: element?.innerText?.trim() ?? '' };
  });
}

async function assertFocusKept(page: Page, after: string): Promise<{ tag: string; id: string; testId: string; text: string }> {
  // The app moves the focus a frame after the change; a focus left on the page stays there.
  await page.waitForFunction(() => document.activeElement !== document.body, undefined, { timeout: 2_000 }).catch(() => undefined);
  const where = await focused(page);
  assert.notEqual(where.tag, 'BODY', `after ${after} the focus fell to the page`);
  return where;
}

/** Presses Tab until `selector` has the focus and returns how many presses it took (at most `limit`). */
async function tabsTo(page: Page, selector: string, limit = 40): Promise<number> {
  for (let presses = 0; presses <= limit; presses++) {
    if (await page.evaluate((wanted) => document.activeElement?.matches(wanted) ?? false, selector)) return presses;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector} was not reached with ${limit} presses of Tab`);
}

/** The number the step list shows for a step: its place, or ✓ once done. */
const stepMark = (page: Page, step: string) => page.getByTestId(`nav-${step}`).locator('.step-number').innerText();

describe('keyboard-only use and the First boot form, in Chromium through the station', { skip: skip ?? false }, () => {
  let station: OfflineStation;
  before(async () => {
    station = await openOfflineStation('keyboard');
  });

  after(() => station?.close());

  async function onPage(walk: (page: Page) => Promise<void>): Promise<void> {
    const page = await station.session.browser.context.newPage();
    await page.setViewportSize(NARROW);
    try {
      await page.goto(station.session.station.url);
      await page.getByTestId('step-image').waitFor();
      await walk(page);
    } finally {
      await page.close();
    }
  }

  /** On the First boot step with the station's image chosen and setup turned on. */
  async function onFirstBoot(walk: (page: Page) => Promise<void>): Promise<void> {
    await onPage(async (page) => {
      await chooseImage(page, station.session.offer(station.fixture.xzPath!));
      await page.getByTestId('step-continue').click();
      await page.getByTestId('provisioning-enabled').check();
      await walk(page);
    });
  }

  it('keeps the focus on something meaningful after Enter on a board, "Use a file you have" and "Back to writing"', { timeout: 90_000 }, async () => {
    await onPage(async (page) => {
      await page.getByTestId('catalog-offline').waitFor({ timeout: 30_000 });
      const pc = page.locator('[data-testid="board-card"][data-board="uefi-x86_64"]');
      await pc.focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('catalog-board').waitFor();
      const onEntries = await assertFocusKept(page, 'Enter on the PC board');
      assert.ok(['catalog-entry', 'catalog-search'].includes(onEntries.testId), `the focus is on the images offered for the PC, not on ${JSON.stringify(onEntries)}`);

      await page.getByTestId('change-board').press('Enter');
      const onBoard = await assertFocusKept(page, '"Change device"');
      assert.equal(onBoard.testId, 'board-card', 'back on the boards, the keyboard is on the board that was chosen');

      // An image offered for a Pi 4 cannot be downloaded offline; the notice offers a file instead.
      await page.locator('[data-testid="board-card"][data-board="rpi4"]').press('Enter');
      await page.getByTestId('catalog-entry').first().press('Enter');
      // Offline, the notice is calm or (for an entry with no checksum known) a failure: both offer a file.
      const offline = page.locator('[data-testid="catalog-download-offline"], [data-testid="catalog-download-error"]').first();
      await offline.waitFor({ state: 'attached' });
      await offline.getByRole('button', { name: 'Use a file you have' }).press('Enter');
      await page.locator('#image-tab-file[aria-selected="true"]').waitFor();
      await page.waitForFunction(() => document.activeElement !== document.body);
      assert.equal((await assertFocusKept(page, '"Use a file you have"')).id, 'image-tab-file', 'the keyboard is on the tab now shown');

      for (const [open, close] of [['history-open', 'history-close'], ['tool-open-restore', 'tool-close']] as const) {
        await page.getByTestId(open).press('Enter');
        await page.getByTestId(close).press('Enter');
        await page.getByTestId('step-image').waitFor();
        assert.equal((await assertFocusKept(page, `"Back to writing" (${open})`)).id, 'step-title', 'the keyboard is on the step\'s heading');
      }
    });
  });

  it('reaches every image source with Tab alone, and a board and Continue in a few presses', { timeout: 90_000 }, async () => {
    await onPage(async (page) => {
      await page.getByTestId('catalog-offline').waitFor({ timeout: 30_000 });
      // The first Tab stop of the window is the way past the top bar and the step list.
      assert.equal(await tabsTo(page, '[data-testid="skip-to-step"]'), 1, 'the skip link is the first Tab stop');
      await shotAtWidths(page, 'keyboard-1-skip-link');
      await page.keyboard.press('Enter');
      const boards = await page.locator('[data-testid="board-card"]:not([disabled])').evaluateAll((cards) => cards.map((card) => card.getAttribute('data-board')));
      assert.equal((await focused(page)).testId, 'board-card', 'the skip link goes to the boards');
      // From the first board, one press per board before the PC: 1 + 3 presses with the boards the catalog lists today (11 before).
      const toPc = await tabsTo(page, '[data-board="uefi-x86_64"]');
      console.log(`Tab presses from the page's start to the PC board: ${1 + toPc}`);
      assert.equal(toPc, boards.indexOf('uefi-x86_64'), `boards in order: ${boards.join(', ')}`);
      assert.ok(1 + toPc <= 5, `${1 + toPc} presses of Tab to reach the PC board`);

      // Tab alone reaches "Image file": each source tab is its own stop.
      await page.locator('#image-tab-catalog').focus();
      assert.equal(await tabsTo(page, '#image-tab-file', 1), 1, 'Tab goes from "Fedora IoT" to "Image file"');
      await page.keyboard.press('Enter');
      assert.equal(await page.locator('#image-tab-file').getAttribute('aria-selected'), 'true');
    });

    await onFirstBoot(async (page) => {
      await page.getByLabel('Hostname', { exact: true }).focus();
      await page.getByLabel('Hostname', { exact: true }).fill('my-pi');
      await page.locator('[data-testid="step-continue"]:not([disabled])').waitFor();
      // From Hostname past the common fields (user, password, keys, Wi-Fi: 11 stops) to "skip the rest"; 24 before.
      const toSkip = await tabsTo(page, '[data-testid="skip-rest"]');
      console.log(`Tab presses from Hostname to "skip the optional settings": ${toSkip}`);
      assert.ok(toSkip <= 12, `${toSkip} presses of Tab from Hostname to the way to Continue`);
      assert.equal(await page.getByTestId('skip-rest').isVisible(), true, 'the link shows once focused');
      await shotAtWidths(page, 'keyboard-2-skip-rest');
      await page.keyboard.press('Enter');
      assert.equal((await focused(page)).testId, 'step-continue', 'Enter on it puts the keyboard on Continue');
    });
  });

  it('asks for the Wi-Fi passphrase again after a reload, in neutral words', { timeout: 90_000 }, async () => {
    await onFirstBoot(async (page) => {
      await page.getByLabel('Hostname', { exact: true }).fill('my-pi');
      await page.getByLabel('Network name (SSID)', { exact: true }).fill('Workshop');
      await page.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
      await page.waitForFunction(() => localStorage.getItem('fiot:draft')?.includes('Workshop'));
      await page.reload();
      await page.getByTestId('step-provisioning').waitFor();
      const note = page.getByTestId('profile-note-wifiPsk');
      await note.waitFor();
      assert.equal(await note.innerText(), 'Type the passphrase again (it is not kept).');
      await note.scrollIntoViewIfNeeded();
      await shotAtWidths(page, 'keyboard-3-passphrase-not-kept');
      assert.equal(await page.getByTestId('profile-error-wifiPsk').count(), 0, 'no red error for a passphrase the app chose not to keep');
      assert.equal(await page.getByLabel('Passphrase', { exact: true }).getAttribute('aria-invalid'), 'false');
      assert.match(await page.getByTestId('continue-reason').innerText(), /Type the Wi-Fi passphrase again: it is not kept/);
      assert.doesNotMatch(await page.getByTestId('continue-reason').innerText(), /needs correcting/);

      await page.getByLabel('Passphrase', { exact: true }).fill('short');
      await page.getByTestId('profile-error-wifiPsk').waitFor();
      assert.match(await page.getByTestId('profile-error-wifiPsk').innerText(), /8 to 63/, 'a passphrase typed too short is still an error');
    });
  });

  it('gives First boot no ✓ while the card would have no login, and says so beside an enabled Continue', { timeout: 90_000 }, async () => {
    await onFirstBoot(async (page) => {
      await page.getByLabel('Hostname', { exact: true }).fill('my-pi');
      await page.getByLabel('User name', { exact: true }).fill('core');
      await page.locator('[data-testid="step-continue"]:not([disabled])').waitFor();
      assert.match(await page.getByTestId('continue-note').innerText(), /No way to log in yet: add a password or an SSH key/);
      assert.equal(await stepMark(page, 'provisioning'), '2', 'no ✓ for a card nobody can log into');
      await shotAtWidths(page, 'keyboard-4-no-login');

      await page.getByLabel(/^Password/).fill('pi and cream');
      await page.getByLabel('Type it again').fill('pi and cream');
      await page.getByTestId('profile-password-state').filter({ hasText: 'Password set' }).waitFor();
      await page.waitForFunction(() => document.querySelector('[data-testid="nav-provisioning"] .step-number')?.textContent === '✓');
      assert.equal(await page.getByTestId('continue-note').count(), 0, 'nothing missing once a password is set');
    });
  });

  it('names every field that needs correcting, and offers "Use old-laptop" for "old laptop"', { timeout: 90_000 }, async () => {
    await onFirstBoot(async (page) => {
      await page.getByLabel('Hostname', { exact: true }).fill('old laptop');
      await page.getByLabel(/^Password/).fill('pi and cream');
      await page.getByLabel('Type it again').fill('pi and crem');
      await page.getByLabel('Type it again').press('Tab');
      await page.getByTestId('profile-error-hostname').waitFor();
      const reason = page.getByTestId('continue-reason');
      await reason.filter({ hasText: '2 fields need correcting' }).waitFor();
      assert.match(await reason.innerText(), /2 fields need correcting: Hostname, Password/);
      assert.match(await page.getByTestId('profile-problems').innerText(), /2 fields need correcting: Hostname, Password/);

      const fix = page.getByTestId('hostname-fix');
      assert.equal(await fix.innerText(), 'Use old-laptop');
      await shotAtWidths(page, 'keyboard-5-two-fields-and-fix');
      await fix.press('Enter');
      assert.equal(await page.getByLabel('Hostname', { exact: true }).inputValue(), 'old-laptop');
      await page.getByTestId('profile-error-hostname').waitFor({ state: 'detached' });
      assert.equal(await fix.count(), 0, 'no offer once the name is valid');
      await reason.filter({ hasText: /The two passwords typed differ/ }).waitFor();
    });
  });
});
