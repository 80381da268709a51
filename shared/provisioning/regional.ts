/**
 * Wi-Fi country, keyboard layout and language: the values a Fedora system accepts, from the lists
 * shipped in assets/regional/ (built from Debian's tzdata, glibc, kbd and xkb data; see its
 * README). A value not on a list would be ignored by the device without a word, so it is refused.
 */
import regional from '../../assets/regional/regional.json';

const COUNTRIES: Readonly<Record<string, string>> = regional.countries;
const ZONE_COUNTRY: Readonly<Record<string, string>> = regional.zones;
const KEYMAPS = new Set<string>(regional.keymaps);
const LOCALES = new Set<string>(regional.locales);

/** The kernel's Wi-Fi regulatory domain parameter (cfg80211 reads it at boot). */
export const REGDOM_ARG = 'cfg80211.ieee80211_regdom';

export function isWifiCountry(code: string): boolean {
  return Object.hasOwn(COUNTRIES, code);
}
export function isKeymap(name: string): boolean {
  return KEYMAPS.has(name);
}
export function isLocale(name: string): boolean {
  return LOCALES.has(name);
}

/** Country codes with their names, sorted by name, for a picker. */
export function wifiCountries(): Array<{ code: string; name: string }> {
  return Object.entries(COUNTRIES).map(([code, name]) => ({ code, name })).sort((a, b) => a.name.localeCompare(b.name));
}
export function keymapNames(): string[] {
  return [...KEYMAPS];
}
export function localeNames(): string[] {
  return [...LOCALES];
}
/** Zones with a country, sorted, for the time zone picker (UTC first). */
export function timeZoneNames(): string[] {
  return ['UTC', ...Object.keys(ZONE_COUNTRY)];
}

/** The country a time zone lies in (Europe/Berlin → DE), or undefined for UTC and unknown zones. */
export function countryOfZone(zone: string): string | undefined {
  return Object.hasOwn(ZONE_COUNTRY, zone) ? ZONE_COUNTRY[zone] : undefined;
}

/**
 * The console keymap for a browser language tag: the region's XKB layout when Fedora has one
 * (de-CH → ch, en-GB → gb, fr-FR → fr; a region's code names its layout), else the language's (de → de), else `us`.
 */
export function keymapForLanguage(tag: string): string {
  const [language, region] = tag.replace(/_/g, '-').split('-');
  // English-speaking Canada types on a US layout; the `ca` keymap is Canadian French.
  const regionKeymap = region?.toUpperCase() === 'CA' && language?.toLowerCase() !== 'fr' ? 'us' : region?.toLowerCase();
  const candidates = [regionKeymap, language?.toLowerCase()];
  return candidates.find((name): name is string => Boolean(name && KEYMAPS.has(name))) ?? 'us';
}
