/**
 * What a first-time evaluator and a field tech reported, walked in Chromium through the station:
 * - the first screen says what Fedora IoT is (no desktop, reached over the network by SSH or
 *   Cockpit, whole-image updates that roll back), folded away, with Fedora's docs;
 * - path fields show a neutral example, not a path that looks like someone's laptop;
 * - the Write step's "Erase the old data first" switch (on by default, with why and when one would
 *   turn it off): off, the confirmation says "write over", not "erase", a used card keeps its old
 *   bytes past the image, and the result and History say old data may remain and why; on, nothing
 *   of them is left and History says old data erased, as does the batch sheet; the Drives step
 *   promises no erase either way;
 * - after writing for a Raspberry Pi 4, what to do next: the network, the power, where to find it
 *   and the `ssh` line;
 * - the check-in addresses offered never include loopback, the likeliest LAN one first; and on a
 *   machine with loopback only (a station in a network namespace of its own) the app says in words
 *   that there is no address a device could reach.
 * Screenshots of each step go to a folder the test prints.
 */
import assert from 'node:assert/strict';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { checkinAddresses } from '../../electron/core/checkin/addresses';
import type { Fixture } from '../fixtures/fixture';
import { CHROMIUM, chromiumSkipReason, launchBrowser } from '../helpers/browser';
import { blocksWithMarker, fillWithMarker } from '../helpers/card-check';
import { createLoopDisk } from '../helpers/loop';
import { provisionFixture } from '../helpers/provision-fixture';
import { ED25519_KEY } from '../helpers/ssh-keys';
import { openStationSession, type StationSession } from '../helpers/station-session';
import { spawnStation } from '../helpers/station-process';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';
import { addTarget, chooseBoard, chooseOfferedImage, confirmErase } from '../helpers/ui-steps';
import { offlineCatalogEnv, stepShots } from '../helpers/walk';

const MiB = 1024 * 1024;
const MARKER = 'wifi-psk=OtherSiteSecret-7731;';
const skip = loopSkipReason() ?? chromiumSkipReason() ?? commandsSkipReason('xz', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy', 'blkdiscard', 'unshare', 'nsenter', 'ip');
const VIEWPORT = { width: 1280, height: 900 };

const continueButton = (page: Page) => page.getByTestId('step-continue');

describe('a newcomer’s words, in Chromium through the station', { skip: skip ?? false }, () => {
  let session: StationSession;
  let fixture: Fixture;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-e2e-newcomer-words-'));
    const env = await offlineCatalogEnv(dataDir);
    [fixture, session] = await Promise.all([provisionFixture({ xz: true }), openStationSession('newcomer-words', env)]);
  });

  after(async () => {
    await session?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('the first screen says what Fedora IoT is, folded away; path fields show a neutral example', { timeout: 120_000 }, async () => {
    const { shot } = stepShots('what-is-fedora-iot');
    const page = await session.browser.context.newPage();
    await page.setViewportSize(VIEWPORT);
    try {
      const offered = path.basename(session.offer(fixture.xzPath!));
      await page.goto(session.station.url);
      const about = page.getByTestId('what-is-fedora-iot');
      await about.waitFor();
      assert.equal(await about.evaluate((details) => (details as HTMLDetailsElement).open), false, 'folded: one line until asked for');
      await shot(page, 'first-screen');
      await about.getByText('What is Fedora IoT?').click();
      const words = await about.innerText();
      for (const expected of [/no desktop/i, /over the network/, /SSH/, /Cockpit/, /Updates replace the whole system/, /goes back to the version it had before/]) assert.match(words, expected);
      assert.equal(await about.getByRole('link', { name: 'Fedora IoT documentation' }).getAttribute('href'), 'https://docs.fedoraproject.org/en-US/iot/');
      await shot(page, 'what-is-fedora-iot');

      await page.getByRole('tab', { name: 'Image file' }).click();
      const imagePath = await page.getByLabel('Image file path').getAttribute('placeholder');
      await chooseOfferedImage(page, offered);
      await continueButton(page).click();
      await continueButton(page).click();
      await page.getByTestId('add-target').getByText('Add a device or image file by path…').click();
      const targetPath = await page.getByLabel('Device or image file path').getAttribute('placeholder');
      for (const placeholder of [imagePath, targetPath]) {
        assert.match(placeholder ?? '', /^e\.g\. /, 'an example, said to be one');
        assert.doesNotMatch(placeholder ?? '', /\/home\/|\/Users\/|C:\\/, 'no path that looks like a real laptop’s');
      }
      await shot(page, 'add-target-placeholder');
    } finally {
      await page.close();
    }
  });

  it('erases old data unless switched off (then nothing promises an erase), says so in the result, History and the sheet, and says what to do next with the Pi', { timeout: 300_000 }, async () => {
    const { shot } = stepShots('old-data');
    const cardSize = fixture.size + 16 * MiB;
    const kept = createLoopDisk(cardSize, 'fiot-e2e-kept-');
    const erased = createLoopDisk(cardSize, 'fiot-e2e-erased-');
    for (const card of [kept, erased]) fillWithMarker(card.device, cardSize, MARKER);
    const page = await session.browser.context.newPage();
    await page.setViewportSize(VIEWPORT);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      const offered = path.basename(session.offer(fixture.xzPath!));
      await page.goto(session.station.url);
      await chooseBoard(page, /^Raspberry Pi 4/);
      await chooseOfferedImage(page, offered);
      await continueButton(page).click();
      await page.getByTestId('provisioning-enabled').check();
      await page.getByLabel('Hostname', { exact: true }).fill('my-pi-{n}');
      await page.getByLabel('User name', { exact: true }).fill('core');
      await page.getByLabel('SSH public keys (one per line)').fill(ED25519_KEY);
      await continueButton(page).click();
      await addTarget(page, kept.device);
      // The Drives step promises no erase: whether the old data is erased is the Write step's switch.
      assert.match(await page.getByTestId('step-lead').innerText(), /^Choose the cards to write\. The image is written over them/);
      assert.doesNotMatch(await page.getByTestId('step-lead').innerText(), /erase/i);
      await continueButton(page).click();

      // The check-in addresses: never loopback, the likeliest LAN address first (on a machine
      // with loopback only, none: the test below covers that one).
      const reachable = checkinAddresses().addresses;
      if (reachable.length) {
        await page.getByTestId('checkin-toggle').check();
        const addresses = await page.getByTestId('checkin-address').locator('option').allInnerTexts();
        assert.ok(!addresses.some((a) => /^(127\.|::1$|fe80:)/i.test(a)), `no loopback or unscoped link-local offer: ${addresses.join(', ')}`);
        assert.deepEqual(addresses, reachable);
        await page.getByTestId('checkin-toggle').uncheck();
      } else {
        await page.getByTestId('checkin-no-address').waitFor();
      }

      const discard = page.getByTestId('discard-checkbox');
      assert.equal(await discard.isChecked(), true, 'on by default');
      assert.match(await page.getByTestId('discard-why').innerText(), /nothing from the card’s last use .* is left in its free space/);
      assert.match(await page.getByTestId('discard-why').innerText(), /turn it off only for one whose reader erases slowly/, 'why one would turn it off');
      await discard.uncheck();
      assert.match(await page.getByTestId('discard-why').innerText(), /Old data will remain in the card’s free space/);
      assert.match(await page.getByTestId('discard-why').innerText(), /Off saves the time erasing takes .*: use it only for cards that held nothing private/, 'what it costs');
      await shot(page, 'erase-switched-off');
      // Off, nothing promises an erase: not the confirmation (nor the Drives step's lead, read above).
      await page.getByTestId('flash-button').click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      assert.equal(await dialog.getByRole('heading').innerText(), 'Write over this drive?');
      assert.match(await dialog.getByTestId('confirm-not-erased').innerText(), /not erased first .* stays readable in the free space/);
      assert.equal(await dialog.getByRole('button', { name: /erase/i }).count(), 0, 'no button says erase');
      await shot(page, 'erase-off-confirm');
      await confirmErase(page);
      await page.getByTestId('result-success').waitFor({ timeout: 120_000 });
      assert.match(await page.getByTestId('target-old-data').innerText(), /^Old data may remain in this card’s free space: discarding it first was turned off for this run\.$/);
      // The card's digest is named for what it covers, and said to be neither the file's nor the card's.
      assert.match(await page.getByTestId('target-result').locator('.checksum').innerText(), /^SHA-256 of the image data written\s+[0-9a-f]{64}$/);
      assert.match(await page.getByTestId('written-sha256-meaning').innerText(), /as written to each card .*the same for every card written from this image, first-boot settings are not in it, and it is not meant to match the image file’s SHA-256 or a hash of the whole card/);
      assert.ok(blocksWithMarker(kept.device, cardSize, MARKER).some((block) => block >= fixture.size), 'the old bytes are still past the image’s end');

      const next = page.getByRole('region', { name: 'What next' });
      const steps = await next.getByTestId('device-steps').locator('li').allInnerTexts();
      assert.match(steps[0]!, /^Connect the Raspberry Pi 4.* to your network: plug a network cable from your router into it/);
      assert.match(steps[1]!, /microSD slot, then connect the power/);
      assert.match(await next.getByTestId('ssh-line').innerText(), /^Find it at my-pi-1\.local, then log in with ssh core@my-pi-1\.local$/);
      await next.scrollIntoViewIfNeeded();
      await shot(page, 'what-next');

      await page.getByTestId('flash-new-cards').click();
      await addTarget(page, erased.device);
      await continueButton(page).click();
      assert.equal(await page.getByTestId('discard-checkbox').isChecked(), true, 'on again for the next cards');
      await page.getByTestId('flash-button').click();
      await confirmErase(page);
      await page.getByTestId('result-success').waitFor({ timeout: 120_000 });
      assert.match(await page.getByTestId('target-old-data').innerText(), /^Its old contents were discarded before writing/);
      assert.deepEqual(blocksWithMarker(erased.device, cardSize, MARKER), [], 'nothing of the old contents is left');

      await page.getByTestId('history-open').click();
      const rows = page.getByTestId('history-row');
      await rows.first().waitFor();
      const oldData = await page.getByTestId('history-old-data').allInnerTexts();
      assert.deepEqual(oldData.slice(0, 2), ['old data erased', 'old data may remain in free space (erasing was turned off)'], 'newest first, the reason kept');
      await shot(page, 'history');
      await page.getByTestId('batch-print').click();
      const sheet = page.getByTestId('print-sheet');
      await sheet.waitFor();
      assert.ok((await sheet.locator('th').allInnerTexts()).includes('Old data'));
      assert.match(await sheet.getByTestId('print-row').first().innerText(), /old data erased/);
      await shot(page, 'sheet');
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.close();
      kept.dispose();
      erased.dispose();
    }
  });
});

/**
 * Chromium started inside the network namespace of the process `pid` (a station that has only
 * loopback), so it reaches that station at 127.0.0.1 while the station sees no other address.
 */
function chromiumInNamespaceOf(pid: number, dir: string): string {
  const wrapper = path.join(dir, 'chromium-in-station-netns');
  writeFileSync(wrapper, `#!/bin/sh\nexec nsenter --net=/proc/${pid}/ns/net ${CHROMIUM} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

describe('a station with no network address but loopback, in Chromium', { skip: skip ?? false }, () => {
  it('offers no check-in address and says in words to connect the machine to the devices’ network', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-e2e-loopback-only-'));
    const fixture = await provisionFixture({ xz: true });
    const images = path.join(dir, 'images');
    mkdirSync(images);
    linkSync(fixture.xzPath!, path.join(images, path.basename(fixture.xzPath!)));
    // A private network with only loopback, up: the machine a station may be on before it is cabled.
    const station = await spawnStation({ args: ['--images', images], wrapper: ['unshare', '-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"'] });
    const browser = await launchBrowser({ executablePath: chromiumInNamespaceOf(station.child.pid!, dir) });
    try {
      const page = await browser.context.newPage();
      await page.setViewportSize(VIEWPORT);
      await page.goto(station.url);
      await chooseOfferedImage(page, path.basename(fixture.xzPath!));
      await continueButton(page).click();
      await page.getByTestId('provisioning-enabled').check();
      await page.getByLabel('User name', { exact: true }).fill('core');
      await page.getByLabel('SSH public keys (one per line)').fill(ED25519_KEY);
      await page.getByTestId('tool-open-bench').click();
      const toggle = page.getByTestId('checkin-toggle');
      await toggle.waitFor();
      await page.getByTestId('checkin-no-address').waitFor();
      assert.equal(await toggle.isDisabled(), true, 'nothing to switch on');
      assert.equal(await toggle.isChecked(), false);
      assert.match(await page.getByTestId('checkin-no-address').innerText(), /no network address a device could reach .*: connect it to the devices’ network/);
      assert.equal(await page.getByTestId('checkin-address').count(), 0, 'no address list, so no 127.0.0.1 to pick');
      const { shot } = stepShots('loopback-only');
      await shot(page, 'checkin-no-address');
    } finally {
      await browser.close();
      await station.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
