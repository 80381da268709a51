/**
 * Region and keyboard in the First boot step, on a computer in Berlin with a German browser: the
 * time zone, the Wi-Fi country and the keyboard start from this computer, every one can be
 * changed (the country follows a new zone until picked by hand), and the preview carries what
 * was chosen: files in the config, the country on the boot entry's kernel line. A value off the lists is named beside its field.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Fixture } from '../fixtures/fixture';
import { chromiumSkipReason } from '../helpers/browser';
import { provisionFixture } from '../helpers/provision-fixture';
import { openStationSession, type StationSession } from '../helpers/station-session';
import { commandsSkipReason } from '../helpers/system';
import { chooseImage } from '../helpers/ui-steps';

const skip = chromiumSkipReason() ?? commandsSkipReason('xz', 'sfdisk', 'mkfs.vfat', 'mkfs.ext4', 'mcopy');

describe('region and keyboard from this computer', { skip: skip ?? false }, () => {
  let session: StationSession;
  let fixture: Fixture;

  before(async () => {
    [fixture, session] = await Promise.all([provisionFixture({ xz: true }), openStationSession('region', {}, { timezoneId: 'Europe/Berlin', locale: 'de-DE' })]);
  });
  after(async () => {
    await session?.close();
  });

  it('starts from Europe/Berlin, DE and de; follows a new zone; names a bad keymap', { timeout: 120_000 }, async () => {
    const page = await session.browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(session.station.url);
    await chooseImage(page, session.offer(fixture.xzPath!));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('step-provisioning').waitFor();
    await page.getByTestId('provisioning-enabled').check();

    const zone = page.getByLabel('Time zone', { exact: true });
    const country = page.getByLabel('Wi-Fi country', { exact: true });
    const keymap = page.getByLabel('Keyboard layout (console)', { exact: true });
    assert.equal(await zone.inputValue(), 'Europe/Berlin');
    assert.equal(await country.inputValue(), 'DE');
    assert.equal(await keymap.inputValue(), 'de');
    assert.equal(await page.locator(`#${await zone.getAttribute('list')} option[value="America/New_York"]`).count(), 1, 'the zone list is there to search');

    await zone.fill('America/New_York');
    assert.equal(await country.inputValue(), 'US', 'the country follows the zone');
    await country.selectOption('CA');
    await zone.fill('Europe/Paris');
    assert.equal(await country.inputValue(), 'CA', 'a country picked by hand stays');

    await page.getByLabel('Hostname', { exact: true }).fill('greenhouse');
    await keymap.fill('qwertz-nowhere');
    const keymapError = page.getByTestId('profile-error-keymap');
    await keymapError.waitFor();
    assert.match(await keymapError.innerText(), /is not a keymap Fedora knows/);
    await keymap.fill('de-nodeadkeys');
    await page.getByLabel('Language', { exact: true }).fill('de_DE.UTF-8');
    await keymapError.waitFor({ state: 'detached' });

    await page.waitForFunction(() => document.querySelector('[data-testid="ignition-preview"]')?.textContent?.includes('vconsole.conf'));
    await page.locator('.preview-details > summary').click();
    const preview = await page.getByTestId('ignition-preview').innerText();
    assert.match(preview, /"path": "\/etc\/vconsole\.conf"/);
    assert.match(preview, /"path": "\/etc\/locale\.conf"/);
    assert.match(preview, /"target": "\/usr\/share\/zoneinfo\/Europe\/Paris"/);
    assert.doesNotMatch(preview, /kernelArguments/, 'the Wi-Fi country goes on the boot entry, not into the config');
    assert.match(await page.getByTestId('boot-entry-preview').innerText(), /cfg80211\.ieee80211_regdom=CA/);
    assert.deepEqual(pageErrors, []);
  });
});
