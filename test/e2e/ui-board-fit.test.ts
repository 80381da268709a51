/**
 * The image fits the board, and the result speaks of the device, in Chromium through the station:
 * an aarch64 image chosen for a PC is refused at the image step (not at the end), with the words
 * and a visible "Write it anyway"; written anyway to a stick, the result speaks of a PC's boot
 * menu, UEFI, Secure Boot, running from the stick and the console login. A Raspberry Pi takes the
 * aarch64 image, refuses the x86_64 one, and its result speaks of the card in its slot, without a
 * `.local` hint when no hostname was set. The Pi Zero 2 W's card says it is community-tested.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Fixture } from '../fixtures/fixture';
import { chromiumSkipReason, screenshotPath } from '../helpers/browser';
import { createLoopDisk } from '../helpers/loop';
import { provisionFixture } from '../helpers/provision-fixture';
import { openStationSession, type StationSession } from '../helpers/station-session';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { addTarget, chooseBoard, chooseOfferedImage, confirmErase, writeAndWait } from '../helpers/ui-steps';
import { offlineCatalogEnv } from '../helpers/walk';
import { shotAtWidths } from '../helpers/a11y';

const skip = loopSkipReason() ?? chromiumSkipReason() ?? commandsSkipReason('xz', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy');

function sha256Of(file: string, length: number): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, 0);
    return createHash('sha256').update(buffer).digest('hex');
  } finally {
    closeSync(fd);
  }
}

const continueButton = (page: Page) => page.getByRole('button', { name: 'Continue', exact: true });

async function archShown(page: Page): Promise<string> {
  const fact = page.getByTestId('image-arch');
  await page.waitForFunction(() => document.querySelector('[data-testid="image-arch"]')?.getAttribute('data-arch'));
  return fact.innerText();
}

/** The first-boot step: a user with a password, and a hostname only when given. */
async function firstBoot(page: Page, user: string, hostname?: string): Promise<void> {
  await continueButton(page).click();
  await page.getByLabel(/^Set up the .* on their first boot/).check();
  if (hostname) await page.getByLabel('Hostname', { exact: true }).fill(hostname);
  await page.getByLabel('User name', { exact: true }).fill(user);
  await page.getByLabel(/^Password/).fill('correct horse battery staple');
  await page.getByLabel('Type it again').fill('correct horse battery staple');
  await page.getByTestId('profile-password-state').filter({ hasText: 'Password set' }).waitFor();
  await page.waitForFunction(() => !(document.querySelector('[data-testid="step-continue"]') as HTMLButtonElement | null)?.disabled);
  await continueButton(page).click();
}

describe('the image fits the board, and the result speaks of the device', { skip: skip ?? false }, () => {
  let session: StationSession;
  let dataDir: string;
  let arm: Fixture;
  let pc: Fixture;
  let armOffered: string;
  let pcOffered: string;

  before(async () => {
    if (skip) return;
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-board-fit-'));
    const env = await offlineCatalogEnv(dataDir);
    [arm, pc, session] = await Promise.all([provisionFixture({ layout: 'mbr', xz: true }), provisionFixture({ layout: 'gpt', xz: true }), openStationSession('board-fit', env)]);
    armOffered = path.basename(session.offer(arm.xzPath!, 'arm.raw.xz'));
    pcOffered = path.basename(session.offer(pc.xzPath!, 'pc.raw.xz'));
  });
  after(async () => {
    await session?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a PC refuses the aarch64 image at the image step; written anyway, the result speaks of the stick', { timeout: 180_000 }, async () => {
    const stick = createLoopDisk(pc.size);
    const page = await session.browser.context.newPage();
    try {
      await page.goto(session.station.url);
      await chooseBoard(page, /^PC, laptop or NUC/);
      await chooseOfferedImage(page, armOffered);
      assert.equal(await archShown(page), '64-bit Arm boards (aarch64)');
      assert.match(await page.getByTestId('image-summary').innerText(), /Written to the USB stick/);
      const mismatch = page.getByTestId('board-mismatch');
      await mismatch.waitFor();
      assert.match(await mismatch.innerText(), /This image is for 64-bit Arm boards \(aarch64\); the PC, laptop or NUC \(x86_64, UEFI\) you chose needs an x86_64 image/);
      assert.match(await mismatch.innerText(), /Choose the x86_64 image/);
      assert.equal(await continueButton(page).isDisabled(), true, 'the image step stops here, before any drive is chosen');
      assert.match(await page.getByTestId('continue-reason').innerText(), /will not start on the chosen board/);

      await mismatch.getByRole('button', { name: 'Write it anyway' }).click();
      await page.getByTestId('board-mismatch-ignored').waitFor();
      assert.equal(await continueButton(page).isDisabled(), false);

      await firstBoot(page, 'maya');
      // Every word for what is written is the PC's: a USB stick, never a card.
      await page.getByTestId('nav-provisioning').click();
      assert.match(await page.locator('.preview-details > summary').innerText(), /^ignition\/config\.ign for the USB stick numbered 1 /);
      await page.getByTestId('nav-drives').click();
      await addTarget(page, stick.device);
      await continueButton(page).click();
      const plan = page.getByTestId('write-plan');
      assert.match(await plan.locator('.plan').innerText(), /^USB stick\s/m);
      assert.equal(await plan.locator('.batch-map th').first().innerText(), 'USB stick');
      assert.equal(await page.getByTestId('flash-button').innerText(), 'Write the USB stick');
      await shotAtWidths(page, 'board-fit-pc-write-step');
      // In a short window (an old laptop's 800 x 700) the Write button stays in sight above the footer, not under the options.
      const size = page.viewportSize()!;
      await page.setViewportSize({ width: 800, height: 700 });
      const inSight = await page.getByTestId('flash-button').evaluate((button) => {
        const box = button.getBoundingClientRect();
        const panel = button.closest('.panel-body')!.getBoundingClientRect();
        return box.top >= panel.top && box.bottom <= panel.bottom;
      });
      const shot = screenshotPath('board-fit-pc-write-step-800x700');
      if (shot) await page.screenshot({ path: shot });
      await page.setViewportSize(size);
      assert.ok(inSight, 'the Write button is in sight at 800 x 700');
      // Paths aside (the test's loop device lives in a folder named for cards).
      assert.doesNotMatch((await plan.innerText()).replace(/\S*\/\S*/g, ''), /\b[Cc]ards?\b/);
      assert.match(await page.getByTestId('plan-board').innerText(), /PC, laptop or NUC \(x86_64, UEFI\) \(the image is for another architecture: written anyway, as you asked\)/);
      await page.getByTestId('flash-button').click();
      await confirmErase(page);
      const outcome = page.locator('[data-testid="result-success"], [data-testid="result-failure"]');
      await outcome.waitFor({ timeout: 150_000 });
      assert.equal(await outcome.getAttribute('data-testid'), 'result-success', await outcome.innerText());
      const esp = arm.partitions[0]!;
      assert.equal(sha256Of(stick.device, esp.offset + esp.size), sha256Of(arm.path, esp.offset + esp.size), 'the stick holds the aarch64 image’s table and ESP');
      // A laptop is written a USB stick, and the outcome says so: no "card" for it.
      assert.match(await page.getByTestId('result-banner').innerText(), /^The USB stick is ready/m);
      assert.equal(await page.getByRole('button', { name: 'Write more USB sticks' }).count(), 1);
      const next = page.getByRole('region', { name: 'What next' });
      const words = await next.innerText();
      assert.match(words, /Safe to remove\. Take the USB stick out\./);
      assert.match(words, /First-boot setup was written to the USB stick\./);
      assert.doesNotMatch(words, /\bcards?\b/);
      assert.equal(await next.getByTestId('device-steps').getAttribute('data-kind'), 'pc');
      assert.match(words, /boot menu key: F12/);
      assert.match(words, /UEFI entry/);
      assert.match(words, /turn Secure Boot off/);
      assert.match(words, /runs from the stick itself: nothing is installed on the PC’s own disk/);
      assert.match(words, /At the console, log in as maya with the password you set\./);
      assert.doesNotMatch(words, /microSD/);
      assert.equal(await next.getByTestId('mdns-hint').count(), 0, 'no .local hint without a hostname');
      assert.doesNotMatch(words, /\.local/);
    } finally {
      await page.close();
      stick.dispose();
    }
  });

  it('a Raspberry Pi takes the aarch64 image, refuses the x86_64 one, and its result speaks of the card', { timeout: 180_000 }, async () => {
    const card = createLoopDisk(arm.size);
    const page = await session.browser.context.newPage();
    try {
      await page.goto(session.station.url);
      const zero = page.locator('[data-testid="board-card"][data-board="rpi-zero2w"]');
      await zero.waitFor();
      assert.match(await zero.innerText(), /Community-tested[\s\S]*not one of Fedora IoT's reference platforms/);
      assert.equal(await zero.isDisabled(), false, 'still offered: Fedora’s image boots it');
      await chooseBoard(page, /^Raspberry Pi 4/);
      await chooseOfferedImage(page, pcOffered);
      assert.equal(await archShown(page), 'PCs and other x86_64 machines');
      assert.match(await page.getByTestId('board-mismatch').innerText(), /This image is for PCs and other x86_64 machines; the Raspberry Pi 4 .* you chose needs an aarch64 image/);

      await chooseOfferedImage(page, armOffered);
      assert.equal(await archShown(page), '64-bit Arm boards (aarch64)');
      assert.equal(await page.getByTestId('board-mismatch').count(), 0);
      assert.equal(await continueButton(page).isDisabled(), false);

      await firstBoot(page, 'core', 'greenhouse');
      await addTarget(page, card.device);
      const outcome = await writeAndWait(page, 150_000);
      assert.equal(await outcome.getAttribute('data-testid'), 'result-success', await outcome.innerText());
      assert.match(await page.getByTestId('result-banner').innerText(), /^The card is ready/m);
      const next = page.getByRole('region', { name: 'What next' });
      const words = await next.innerText();
      assert.match(words, /Safe to remove\. Take the card out\./);
      assert.equal(await next.getByTestId('device-steps').getAttribute('data-kind'), 'raspberry-pi');
      assert.match(words, /put the card into the Raspberry Pi 4 .*’s microSD slot, then connect the power: the Pi starts from the card/);
      assert.match(words, /With a screen and keyboard attached, log in as core with the password you set\./);
      assert.doesNotMatch(words, /Secure Boot|boot menu|stick/);
      assert.match(words, /ssh core@greenhouse\.local/);
      assert.equal(await next.getByTestId('mdns-hint').count(), 1, 'the .local hint comes with a hostname');
    } finally {
      await page.close();
      card.dispose();
    }
  });
});
