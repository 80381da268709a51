/**
 * A first-time evaluator's walks through the station in Chromium, with no dead end on the way:
 * the catalog offline, a download that fails and offers what to do next, a local image instead,
 * first boot with a typed password, a card too small shown with its reason but never ticked, a
 * write to a loop device, and a result that gives the `ssh` line; then a walk that reloads the
 * page half-way and finds its draft again (without the Wi-Fi passphrase, which is never stored).
 * Each walk saves a screenshot per step to a folder it prints.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Fixture } from '../fixtures/fixture';
import { debugfs } from '../helpers/boot-partition';
import { chromiumSkipReason } from '../helpers/browser';
import { createLoopDisk } from '../helpers/loop';
import { provisionFixture } from '../helpers/provision-fixture';
import { openStationSession, type StationSession } from '../helpers/station-session';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { addTarget, chooseOfferedImage, writeAndWait } from '../helpers/ui-steps';
import { offlineCatalogEnv, stepShots } from '../helpers/walk';

const MiB = 1024 * 1024;
const skip = loopSkipReason() ?? chromiumSkipReason() ?? commandsSkipReason('xz', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'debugfs');

/** Taller than the smallest supported window, so each screenshot shows the step's whole story. */
const WALK_VIEWPORT = { width: 1100, height: 1000 };

const continueButton = (page: Page) => page.getByRole('button', { name: 'Continue', exact: true });
const driveRow = (page: Page, device: string) => page.getByRole('listitem').filter({ has: page.getByText(device, { exact: true }) });

/** Picks the board, then its first (newest stable) image, as a person would. */
async function chooseCatalogImage(page: Page, board: RegExp): Promise<void> {
  await page.getByRole('button', { name: board }).click();
  // One click on an entry chooses it.
  await page.getByTestId('catalog-entry').first().click();
}

/** Types a password the way a person does: type it, then type it again (the same text twice sets it). */
async function typePassword(page: Page, password: string): Promise<void> {
  await page.getByLabel(/^Password/).fill(password);
  await page.getByLabel('Type it again').fill(password);
  await page.getByTestId('profile-password-state').filter({ hasText: 'Password set' }).waitFor();
}

describe('the evaluator walks, in Chromium through the station', { skip: skip ?? false }, () => {
  let session: StationSession;
  let fixture: Fixture;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-e2e-walk-'));
    const env = await offlineCatalogEnv(dataDir);
    [fixture, session] = await Promise.all([provisionFixture({ xz: true }), openStationSession('walk', env)]);
  });

  after(async () => {
    await session?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('offline catalog, a failed download, a local image, first boot, a blocked drive, a write and the ssh line', { timeout: 240_000 }, async () => {
    const { shot } = stepShots('evaluator');
    const small = createLoopDisk(8 * MiB);
    const card = createLoopDisk(fixture.size);
    const smallWritten = small.sectorsWritten();
    // The evaluator's own image sits in the station's images folder before the page opens.
    const offered = path.basename(session.offer(fixture.xzPath!));
    const page = await session.browser.context.newPage();
    await page.setViewportSize(WALK_VIEWPORT);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(session.station.url);
      const pi4 = page.getByRole('button', { name: /^Raspberry Pi 4/ });
      await pi4.waitFor();
      await page.getByText(/offline|not reached/i).first().waitFor({ timeout: 30_000 });
      await shot(page, 'offline-catalog');

      await chooseCatalogImage(page, /^Raspberry Pi 4/);
      // Offline, the failed download is a calm notice (not a red alert) with the ways on.
      const failure = page.getByTestId('catalog-download-offline');
      await failure.waitFor({ timeout: 60_000 });
      assert.match(await failure.innerText(), /network/i);
      await failure.scrollIntoViewIfNeeded();
      assert.equal(await failure.getByRole('button', { name: 'Use a file you have' }).count(), 1);
      // The image cache is empty: it is not offered as a way on.
      assert.equal(await failure.getByRole('button', { name: 'Use a cached image' }).count(), 0);
      await shot(page, 'download-failed');

      await failure.getByRole('button', { name: 'Use a file you have' }).click();
      assert.equal(await page.getByRole('tab', { name: 'Image file' }).getAttribute('aria-selected'), 'true');
      await chooseOfferedImage(page, offered);
      await page.getByTestId('image-summary').scrollIntoViewIfNeeded();
      await shot(page, 'local-image');

      await continueButton(page).click();
      await page.getByLabel(/^Set up the .* on their first boot/).check();
      await page.getByLabel('Hostname', { exact: true }).fill('my-pi');
      await page.getByLabel('User name', { exact: true }).fill('core');
      await typePassword(page, 'correct horse battery staple');
      await page.waitForFunction(() => !(document.querySelector('[data-testid="step-continue"]') as HTMLButtonElement | null)?.disabled);
      await shot(page, 'first-boot');

      await continueButton(page).click();
      await addTarget(page, small.device);
      const blocked = driveRow(page, small.device);
      assert.match(await blocked.innerText(), /too small/);
      assert.equal(await blocked.getByRole('checkbox').isDisabled(), true);
      // A person clicking the row: the click lands, the box does not tick.
      await blocked.getByText(small.device, { exact: true }).click({ force: true });
      assert.equal(await blocked.getByRole('checkbox').isChecked(), false, 'never ticked, not even by a click');
      assert.equal(await continueButton(page).isDisabled(), true);
      assert.match(await page.getByTestId('continue-reason').innerText(), /Tick a card to write/);
      await shot(page, 'blocked-drive');
      await blocked.getByRole('button', { name: `Remove ${small.device} from the list` }).click();
      await blocked.waitFor({ state: 'detached' });
      await addTarget(page, card.device);
      assert.equal(await driveRow(page, card.device).getByRole('checkbox').isChecked(), true);
      await shot(page, 'drive-chosen');

      const outcome = await writeAndWait(page, 200_000);
      await shot(page, 'result');
      assert.equal(await outcome.getAttribute('data-testid'), 'result-success', await outcome.innerText());
      const next = page.getByRole('region', { name: 'What next' });
      const words = await next.innerText();
      assert.match(words, /Safe to remove/);
      assert.match(words, /First-boot setup was written/);
      assert.match(words, /ssh core@my-pi\.local/);
      assert.match(await next.getByRole('link', { name: 'Fedora IoT documentation' }).getAttribute('href') ?? '', /^https:\/\/docs\.fedoraproject\.org\//);
      assert.match(words, /Fedora IoT documentation: first steps, updating the system \(rpm-ostree\), running containers \(podman\)\./, 'plain words first, the tools second');

      // What the evaluator's Pi will read on its first boot: the name and the typed password's hash.
      const boot = fixture.partitions.find((p) => p.label === 'boot')!;
      const config = JSON.parse(debugfs(card.device, boot, 'cat /ignition/config.ign')) as { passwd: { users: Array<{ name: string; passwordHash?: string }> }; storage: { files: Array<{ path: string }> } };
      assert.equal(config.passwd.users[0]?.name, 'core');
      assert.match(config.passwd.users[0]?.passwordHash ?? '', /^\$6\$/, 'the typed password is set');
      assert.ok(config.storage.files.some((f) => f.path === '/etc/hostname'));
      assert.equal(small.sectorsWritten(), smallWritten, 'the blocked card was never written');
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.close();
      small.dispose();
      card.dispose();
    }
  });

  it('reloads half-way and keeps the draft, all but the Wi-Fi passphrase', { timeout: 120_000 }, async () => {
    const { shot } = stepShots('reload');
    const card = createLoopDisk(fixture.size);
    const page = await session.browser.context.newPage();
    await page.setViewportSize(WALK_VIEWPORT);
    try {
      await page.goto(session.station.url);
      await chooseOfferedImage(page, path.basename(session.offer(fixture.xzPath!)));
      await continueButton(page).click();
      await page.getByLabel(/^Set up the .* on their first boot/).check();
      await page.getByLabel('Hostname', { exact: true }).fill('my-pi');
      await page.getByLabel('User name', { exact: true }).fill('core');
      await page.getByLabel('Network name (SSID)', { exact: true }).fill('Workshop');
      await page.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
      await page.waitForFunction(() => !(document.querySelector('[data-testid="step-continue"]') as HTMLButtonElement | null)?.disabled);
      await continueButton(page).click();
      await addTarget(page, card.device);
      await shot(page, 'before-reload');

      await page.reload();
      await page.getByTestId('step-drives').waitFor();
      const row = driveRow(page, card.device);
      await row.waitFor();
      await page.waitForFunction(() => (document.querySelector('[data-testid="drive-checkbox"]') as HTMLInputElement | null)?.checked === true);
      const steps = page.getByRole('navigation', { name: 'Steps' });
      assert.match(await steps.innerText(), new RegExp(path.basename(fixture.xzPath!).replace(/\./g, '\\.')), 'the image is still chosen');
      assert.ok(!(await page.evaluate(() => JSON.stringify(window.localStorage))).includes('correct horse battery'), 'no passphrase in web storage');
      // The passphrase was not kept: the way on names the step to go back to.
      const reason = page.getByTestId('continue-reason');
      await reason.waitFor();
      assert.match(await reason.innerText(), /^First boot: /);
      await shot(page, 'after-reload');

      await page.getByRole('button', { name: 'Go to First boot' }).click();
      assert.equal(await page.getByLabel('Hostname', { exact: true }).inputValue(), 'my-pi');
      assert.equal(await page.getByLabel('User name', { exact: true }).inputValue(), 'core');
      assert.equal(await page.getByLabel('Network name (SSID)', { exact: true }).inputValue(), 'Workshop');
      assert.equal(await page.getByLabel('Passphrase', { exact: true }).inputValue(), '');
      await page.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
      await page.waitForFunction(() => !(document.querySelector('[data-testid="step-continue"]') as HTMLButtonElement | null)?.disabled);
      await shot(page, 'first-boot-again');
      await continueButton(page).click();
      await continueButton(page).click();
      assert.match(await page.getByTestId('plan-provisioning').innerText(), /^User core with no password and no SSH key, hostname my-pi, Wi-Fi Workshop \(passphrase hidden\), time zone /);
      await shot(page, 'write-plan');
    } finally {
      await page.close();
      card.dispose();
    }
  });
});
