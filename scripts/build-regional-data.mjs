#!/usr/bin/env node
/**
 * Builds assets/regional/regional.json, the lists the First boot step and the CLI check
 * --wifi-country, --keymap, --locale and the time zone against, from what a Debian 12 machine
 * ships (see assets/regional/README.md for each source). Run it again after a Debian update:
 *   node scripts/build-regional-data.mjs [CONSOLE_DATA_ROOT]
 * CONSOLE_DATA_ROOT is where console-data's .deb was unpacked (`dpkg-deb -x console-data_*.deb DIR`);
 * it need not be installed, and only its keymap file names are read.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const consoleData = process.argv[2] ?? '/';
const ZONEINFO = '/usr/share/zoneinfo';

/** Lines of a tzdata table without its comments, split at tabs. */
function table(file) {
  return readFileSync(path.join(ZONEINFO, file), 'utf8').split('\n').filter((line) => line && !line.startsWith('#')).map((line) => line.split('\t'));
}

const countries = Object.fromEntries(table('iso3166.tab').map(([code, name]) => [code, name]));

// zone.tab names one country per zone (Europe/Oslo -> NO); zone1970.tab adds zones shared by
// several countries, where the first listed is the zone's main country.
const zones = {};
for (const [codes, , zone] of table('zone1970.tab')) zones[zone] = codes.split(',')[0];
for (const [code, , zone] of table('zone.tab')) zones[zone] = code;

/** kbd's legacy console keymaps: every *.kmap.gz under usr/share/keymaps but the include files. */
function legacyKeymaps(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return entry.name === 'include' ? [] : legacyKeymaps(path.join(dir, entry.name));
    const match = /^(.+)\.kmap\.gz$/.exec(entry.name);
    return match ? [match[1]] : [];
  });
}

/** Fedora's kbd converts every XKB layout, and every layout-variant pair, into a console keymap. */
function xkbKeymaps() {
  const lst = readFileSync('/usr/share/X11/xkb/rules/base.lst', 'utf8').split('\n');
  const names = [];
  let section = '';
  for (const line of lst) {
    if (line.startsWith('! ')) section = line.slice(2).trim();
    else if (section === 'layout' && line.trim()) names.push(line.trim().split(/\s+/)[0]);
    else if (section === 'variant' && line.trim()) {
      const [variant, layout] = line.trim().split(/\s+/);
      names.push(`${layout.replace(/:$/, '')}-${variant}`);
    }
  }
  return names;
}

const keymaps = [...new Set([...legacyKeymaps(path.join(consoleData, 'usr/share/keymaps')), ...xkbKeymaps()])].sort();

// glibc's SUPPORTED list; Fedora's langpacks install the UTF-8 locales, named as here.
const locales = ['C.UTF-8', ...readFileSync('/usr/share/i18n/SUPPORTED', 'utf8').split('\n')
  .map((line) => line.split(' ')).filter(([name, charset]) => name && charset === 'UTF-8').map(([name]) => name)];

const data = { countries, zones: Object.fromEntries(Object.entries(zones).sort()), keymaps, locales: [...new Set(locales)].sort() };
writeFileSync(path.join(root, 'assets/regional/regional.json'), JSON.stringify(data, null, 1) + '\n');
console.log(`${Object.keys(countries).length} countries, ${Object.keys(zones).length} zones, ${keymaps.length} keymaps, ${data.locales.length} locales`);
