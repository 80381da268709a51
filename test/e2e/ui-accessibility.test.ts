/**
 * Accessible by keyboard alone, in Chromium through the station: the whole flow (image from a
 * file, first boot with a user, password and key, a drive added by path, write, result) walked
 * with Tab, arrows, Space and Enter only. Every control passed on the way shows a focus mark, and
 * axe-core finds nothing serious or critical on any step, the erase dialog included. Screenshots
 * of each step at 1280 and 800 px go to FIOT_E2E_SCREENSHOTS when it names a folder.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { makeFixture, type Fixture } from '../fixtures/fixture';
import { describeFindings, seriousAxeFindings, shotAtWidths, tabTo } from '../helpers/a11y';
import { chromiumSkipReason } from '../helpers/browser';
import { offlineCatalogEnv } from '../helpers/walk';
import { ED25519_KEY } from '../helpers/ssh-keys';
import { openStationSession, type StationSession } from '../helpers/station-session';
import { commandsSkipReason } from '../helpers/system';

const skip = chromiumSkipReason() ?? commandsSkipReason('xz', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy');
const testId = (id: string) => `[data-testid="${id}"]`;

describe('keyboard alone, and an axe-core scan of every step', { skip: skip ?? false }, () => {
  let session: StationSession;
  let fixture: Fixture;
  let work: string;

  before(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'fiot-e2e-a11y-'));
    const env = await offlineCatalogEnv(work);
    [fixture, session] = await Promise.all([makeFixture({ xz: true }), openStationSession('a11y', env, { bypassCSP: true })]);
  });

  after(async () => {
    await session?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('walks from image to result with the keyboard; no serious axe finding on any step', { timeout: 240_000 }, async () => {
    const page = await session.browser.context.newPage();
    const unmarked: string[] = [];
    const scanned: string[] = [];
    const visit = async (name: string) => {
      const findings = await seriousAxeFindings(page);
      assert.deepEqual(findings, [], `${name}:\n${describeFindings(findings)}`);
      scanned.push(name);
      await shotAtWidths(page, `a11y-${scanned.length}-${name}`);
    };
    const press = async (selector: string, key: string) => {
      unmarked.push(...(await tabTo(page, selector)));
      await page.keyboard.press(key);
    };
    const typeInto = async (selector: string, text: string) => {
      unmarked.push(...(await tabTo(page, selector)));
      await page.keyboard.insertText(text);
    };
    const continueWhenReady = async (page: Page) => {
      await page.locator(`${testId('step-continue')}:not([disabled])`).waitFor();
      await press(testId('step-continue'), 'Enter');
    };
    try {
      await page.goto(session.station.url);
      await page.getByTestId('catalog-offline').waitFor({ timeout: 30_000 });
      await visit('image-boards');

      await press('.board-card[data-board="rpi4"]', 'Enter');
      await page.getByTestId('catalog-entry').first().waitFor();
      await visit('image-entries');

      await press('#image-tab-catalog', 'ArrowRight');
      assert.equal(await page.locator('#image-tab-file').getAttribute('aria-selected'), 'true', 'arrow keys move between the source tabs');
      await typeInto('#image-path', session.offer(fixture.xzPath!));
      await page.keyboard.press('Enter');
      await page.getByTestId('image-summary').waitFor();
      await visit('image-chosen');
      await continueWhenReady(page);

      await page.getByTestId('step-provisioning').waitFor();
      await press(testId('provisioning-enabled'), 'Space');
      await typeInto(testId('profile-hostname'), 'my-pi');
      await typeInto(testId('profile-userName'), 'core');
      await typeInto(testId('profile-password'), 'pi and cream');
      await typeInto(testId('profile-password-again'), 'pi and cream');
      await typeInto(testId('profile-sshKeys'), ED25519_KEY);
      await page.getByTestId('profile-summary').filter({ hasText: 'User core, 1 SSH key, password set, hostname my-pi' }).waitFor();
      await visit('first-boot');
      await continueWhenReady(page);

      await page.getByTestId('step-drives').waitFor();
      await visit('drives');
      await press(`${testId('add-target')} summary`, 'Enter');
      await typeInto('#add-target-path', path.join(session.imagesDir, 'card.img'));
      await page.keyboard.press('Enter');
      await page.getByTestId('drive-row').first().waitFor();
      await continueWhenReady(page);

      await page.getByTestId('step-write').waitFor();
      await visit('write');
      await press(testId('flash-button'), 'Enter');
      await page.getByTestId('confirm-dialog').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel', 'the safe button has the focus');
      await visit('confirm');
      await press(testId('confirm-write'), 'Enter');
      const outcome = page.locator(`${testId('result-success')}, ${testId('result-failure')}`);
      await outcome.waitFor({ timeout: 180_000 });
      assert.equal(await outcome.getAttribute('data-testid'), 'result-success', await outcome.innerText());
      await visit('result');

      assert.deepEqual(unmarked, [], 'every control reached by Tab shows where the focus is');
      assert.equal(scanned.length, 8);
    } finally {
      await page.close();
    }
  });
});
