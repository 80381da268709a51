/**
 * What this computer suggests for a new card: its own time zone (the browser's resolved zone),
 * the Wi-Fi country of that zone (tzdata's zone tables), and the keyboard of its language
 * (navigator.language). Pure, so the tests check the mapping without a browser.
 */
import { countryOfZone, isWifiCountry, keymapForLanguage, timeZoneNames } from '../../../../shared/provisioning';

export interface RegionSuggestion {
  timezone: string;
  wifiCountry: string;
  keymap: string;
}

export function suggestRegion(zone: string | undefined, language: string | undefined): RegionSuggestion {
  const known = zone && (zone === 'UTC' || timeZoneNames().includes(zone)) ? zone : '';
  return { timezone: known, wifiCountry: (known && countryOfZone(known)) || '', keymap: language ? keymapForLanguage(language) : '' };
}

/**
 * The Wi-Fi country after the time zone changes: it follows the zone while it is empty or still
 * the one the old zone suggested; a country the person picked stays.
 */
export function countryAfterZoneChange(oldZone: string, newZone: string, country: string): string {
  const followsZone = country === '' || country === (countryOfZone(oldZone) ?? '');
  if (!followsZone) return country;
  const next = countryOfZone(newZone);
  return next && isWifiCountry(next) ? next : country;
}

/** This computer's zone and language, as the browser reports them. */
export function thisComputer(): { zone: string | undefined; language: string | undefined } {
  let zone: string | undefined;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    zone = undefined;
  }
  return { zone, language: typeof navigator === 'undefined' ? undefined : navigator.language };
}
