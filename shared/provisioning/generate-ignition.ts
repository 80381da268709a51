/**
 * Profile → Ignition config (spec 3.3.0, read by every Ignition since 2.11). Pure, so the UI
 * previews exactly the JSON the writer will put on the card.
 */
import { bootcSwitchUnit } from './bootc-switch';
import { checkinFiles, checkinUnit, type CheckinCard } from './checkin-unit';
import { toDataUrl } from './data-url';
import { expandHostname } from './hostname';
import { staticIpKeyfile, wifiKeyfile } from './network-keyfiles';
import type { Profile } from './profile';
import { REGDOM_ARG } from './regional';

export const IGNITION_SPEC_VERSION = '3.3.0';

/** Ignition's modes are decimal in JSON; these are the octal modes people know. */
export const MODE_0644 = 0o644; // 420
export const MODE_0600 = 0o600; // 384
export const MODE_0700 = 0o700; // 448

export interface IgnitionFile {
  path: string;
  mode: number;
  overwrite: boolean;
  contents: { source: string };
}

export interface IgnitionConfig {
  ignition: { version: string; config?: { merge: Array<{ source: string }> } };
  passwd?: { users: Array<{ name: string; passwordHash?: string; sshAuthorizedKeys?: string[]; groups?: string[] }> };
  storage?: { files?: IgnitionFile[]; links?: Array<{ path: string; target: string; hard: boolean; overwrite: boolean }> };
  systemd?: { units: Array<{ name: string; enabled?: boolean; contents?: string }> };
}

function file(path: string, text: string, mode: number): IgnitionFile {
  return { path, mode, overwrite: true, contents: { source: toDataUrl(text) } };
}

/**
 * The kernel arguments the card's boot entries carry: the profile's, then the Wi-Fi country.
 * Never Ignition's kernelArguments: Ignition applies those through a distribution's
 * ignition-kargs-helper, which Fedora IoT does not ship (upstream's stub fails, and
 * ignition-kargs.service sends the first boot to the emergency shell). On the BLS `options`
 * line they take effect on the first boot, and ostree copies them into later deployments.
 */
export function bootKernelArguments(profile: Profile): string[] {
  return [...profile.kernelArguments, ...(profile.wifiCountry ? [`${REGDOM_ARG}=${profile.wifiCountry}`] : [])];
}

/**
 * The config for the card whose counter value is `n` (the first card of a run is counterStart);
 * `checkin`: this card's check-in unit and token, when the run awaits reports.
 */
export function generateIgnition(profile: Profile, n: number, checkin?: CheckinCard): IgnitionConfig {
  const config: IgnitionConfig = { ignition: { version: IGNITION_SPEC_VERSION } };
  if (profile.mergeConfig) config.ignition.config = { merge: [{ source: toDataUrl(profile.mergeConfig) }] };

  if (profile.users.length) {
    config.passwd = {
      users: profile.users.map((user) => ({
        name: user.name,
        ...(user.passwordHash ? { passwordHash: user.passwordHash } : {}),
        ...(user.sshAuthorizedKeys.length ? { sshAuthorizedKeys: user.sshAuthorizedKeys } : {}),
        ...(user.groups.length ? { groups: user.groups } : {}),
      })),
    };
  }

  const files: IgnitionFile[] = [];
  if (profile.hostname) files.push(file('/etc/hostname', `${expandHostname(profile.hostname, n)}\n`, MODE_0644));
  if (profile.wifi) {
    const keyfile = wifiKeyfile(profile.wifi);
    files.push(file(keyfile.path, keyfile.contents, MODE_0600));
  }
  if (profile.staticIp) {
    const keyfile = staticIpKeyfile(profile.staticIp);
    files.push(file(keyfile.path, keyfile.contents, MODE_0600));
  }
  // systemd reads both as environment files; the values come from fixed lists (no quoting needed).
  if (profile.keymap) files.push(file('/etc/vconsole.conf', `KEYMAP=${profile.keymap}\n`, MODE_0644));
  if (profile.locale) files.push(file('/etc/locale.conf', `LANG=${profile.locale}\n`, MODE_0644));
  for (const extra of profile.files) files.push(file(extra.path, extra.contents, extra.mode));
  if (checkin) for (const part of checkinFiles(checkin)) files.push(file(part.path, part.text, part.mode));
  const links = profile.timezone
    ? [{ path: '/etc/localtime', target: `/usr/share/zoneinfo/${profile.timezone}`, hard: false, overwrite: true }]
    : [];
  if (files.length || links.length) config.storage = { ...(files.length ? { files } : {}), ...(links.length ? { links } : {}) };

  const units = profile.units.map((unit) => ({ ...unit }));
  if (profile.bootcSwitch) units.push(bootcSwitchUnit(profile.bootcSwitch));
  if (checkin) units.push(checkinUnit());
  if (units.length) config.systemd = { units };
  return config;
}

/** The bytes written to `ignition/config.ign`: readable when someone inspects the card. */
export function ignitionText(config: IgnitionConfig): string {
  return JSON.stringify(config, null, 2) + '\n';
}
