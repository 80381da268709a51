/**
 * The pure pieces behind item 16.2-16.3: the shipped lists, this computer's suggestions, the Wi-Fi
 * country following the zone, kernel arguments merged into a boot entry's options line, and the
 * keyfile escaping GLib and NetworkManager read (the device readers check it for real in the
 * integration tests).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entryWithKernelArgs } from '../../../electron/core/provision/boot-entries';
import { countryAfterZoneChange, suggestRegion } from '../../../renderer/src/features/provisioning/region-suggestions';
import { countryOfZone, isKeymap, isLocale, isWifiCountry, keyfileSsid, keyfileString, keymapForLanguage, notUtf8Problem } from '../../../shared/provisioning';

describe('the shipped lists', () => {
  it('hold what Fedora accepts and nothing made up', () => {
    for (const code of ['DE', 'US', 'GB', 'JP', 'NZ']) assert.ok(isWifiCountry(code), code);
    for (const code of ['de', 'UK', 'EU', 'XX', '00']) assert.ok(!isWifiCountry(code), code);
    for (const name of ['us', 'de', 'de-latin1', 'de-nodeadkeys', 'fr', 'gb', 'uk', 'us-intl']) assert.ok(isKeymap(name), name);
    for (const name of ['german', 'de;rm', '']) assert.ok(!isKeymap(name), name);
    for (const name of ['C.UTF-8', 'en_US.UTF-8', 'de_DE.UTF-8', 'ja_JP.UTF-8']) assert.ok(isLocale(name), name);
    for (const name of ['de_DE', 'en_US.ISO-8859-1', 'klingon']) assert.ok(!isLocale(name), name);
    assert.deepEqual(['Europe/Berlin', 'Europe/Oslo', 'America/New_York', 'Asia/Tokyo', 'UTC'].map(countryOfZone), ['DE', 'NO', 'US', 'JP', undefined]);
  });
});

describe('suggestions from this computer', () => {
  it('zone, country and keyboard from the browser', () => {
    assert.deepEqual(suggestRegion('Europe/Zurich', 'de-CH'), { timezone: 'Europe/Zurich', wifiCountry: 'CH', keymap: 'ch' });
    assert.deepEqual(suggestRegion('Europe/London', 'en-GB'), { timezone: 'Europe/London', wifiCountry: 'GB', keymap: 'gb' });
    assert.deepEqual(suggestRegion('America/Toronto', 'en-CA'), { timezone: 'America/Toronto', wifiCountry: 'CA', keymap: 'us' });
    assert.deepEqual(suggestRegion('UTC', 'fr'), { timezone: 'UTC', wifiCountry: '', keymap: 'fr' });
    assert.deepEqual(suggestRegion('Mars/Olympus', undefined), { timezone: '', wifiCountry: '', keymap: '' });
    assert.equal(keymapForLanguage('xx-YY'), 'us');
  });

  it('the country follows the zone until the person picks one', () => {
    assert.equal(countryAfterZoneChange('Europe/Berlin', 'America/New_York', 'DE'), 'US');
    assert.equal(countryAfterZoneChange('Europe/Berlin', 'America/New_York', ''), 'US');
    assert.equal(countryAfterZoneChange('Europe/Berlin', 'America/New_York', 'CA'), 'CA');
    assert.equal(countryAfterZoneChange('Europe/Berlin', 'UTC', 'DE'), 'DE');
  });
});

describe('kernel arguments on a boot entry', () => {
  const entry = 'title Fedora\nlinux /vmlinuz\noptions root=UUID=x ostree=/ostree/boot.1/a/0 $ignition_firstboot console=tty0 quiet\n';

  it('keeps the image’s arguments, adds repeatable console=, replaces an earlier value, adds nothing twice', () => {
    const once = entryWithKernelArgs(entry, ['console=ttyS0,115200', 'quiet', 'cfg80211.ieee80211_regdom=DE']);
    assert.match(once, /^options root=UUID=x ostree=\/ostree\/boot\.1\/a\/0 \$ignition_firstboot console=tty0 quiet console=ttyS0,115200 cfg80211\.ieee80211_regdom=DE$/m);
    const twice = entryWithKernelArgs(once, ['cfg80211.ieee80211_regdom=US', 'console=ttyS0,115200']);
    assert.match(twice, /^options root=UUID=x ostree=\/ostree\/boot\.1\/a\/0 \$ignition_firstboot console=tty0 quiet console=ttyS0,115200 cfg80211\.ieee80211_regdom=US$/m);
    assert.match(entryWithKernelArgs('title x\n', ['quiet']), /^title x\noptions quiet\n$/);
  });
});

describe('key file strings', () => {
  it('escape only what GLib knows; NetworkManager’s SSID also escapes ;', () => {
    assert.equal(keyfileString('tomato; soup 42'), 'tomato; soup 42');
    assert.equal(keyfileString('  both  '), '\\s both  ');
    assert.equal(keyfileString('a\\b\tc\nd\re'), 'a\\\\b\\tc\\nd\\re');
    assert.equal(keyfileSsid('12;34;'), '12\\;34\\;');
    assert.equal(keyfileSsid('a\\;b'), 'a\\\\\\;b');
  });

  it('text that was not UTF-8 is named', () => {
    assert.match(notUtf8Problem('\uFFFD\uFFFD') ?? '', /not valid UTF-8/);
    assert.match(notUtf8Problem('a\uDC00') ?? '', /lone UTF-16 surrogate/);
    assert.equal(notUtf8Problem('Grüße 🚀'), null);
  });
});
