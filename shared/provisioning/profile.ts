/**
 * The provisioning profile: what a card should know at first boot. One profile serves a whole
 * batch of cards; only the hostname pattern's `{n}` differs per card. Passwords appear here only
 * as crypt(3) hashes: the UI and the CLI hash a typed password at once and forget it.
 */
import { z } from 'zod';
import { hostnamePatternProblems } from './hostname';
import { isKeymap, isLocale, isWifiCountry } from './regional';
import { holdsPrivateKey, PRIVATE_KEY_WORDS } from './private-key';
import { sshKeyProblem } from './ssh-key';
import { notUtf8Problem } from './utf8-text';

/** crypt(3) strings: yescrypt, sha512-crypt, sha256-crypt, bcrypt, gost-yescrypt, scrypt. */
const CRYPT_HASH = /^\$(y|gy|7|6|5|2[abxy])\$[./0-9A-Za-z$=,]+$/;
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
/** A dotted IPv4 address without a prefix length. */
export const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IMAGE_REF = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._/-][a-z0-9]+)*)+(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;
const UNIT_NAME = /^[A-Za-z0-9:_.\\@-]+\.(service|socket|timer|path|mount|automount|target|swap|slice|scope|device)$/;
/** One kernel argument for a BLS options line: no quoting there, and GRUB expands `$name`. */
export const KERNEL_ARG = /^[^\s'"\\$]{1,200}$/;
const TIMEZONE = /^(UTC|[A-Z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2})$/;

/**
 * A misspelt zone would leave /etc/localtime pointing nowhere and the card silently on UTC.
 * Intl knows the IANA names and their aliases, in Node and in every browser.
 */
function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Text that goes to the card as typed: bytes that were not UTF-8 are refused, never written as U+FFFD. */
const text = () => z.string().superRefine((value, ctx) => {
  const reason = notUtf8Problem(value);
  if (reason) ctx.addIssue({ code: 'custom', message: reason });
});

const httpUrl = z.string().trim().refine((value) => {
  try {
    const url = new URL(value);
    // The URL travels on a kernel command line inside GRUB quoting: no spaces or quotes.
    return (url.protocol === 'http:' || url.protocol === 'https:') && !/[\s'"\\]/.test(value);
  } catch {
    return false;
  }
}, 'must be an http:// or https:// URL without spaces or quotes');

/**
 * The keys checked as a list: a private key pasted or loaded as several lines is one problem,
 * said once, not one message per line of it.
 */
const sshKeys = z.array(z.string().trim()).superRefine((keys, ctx) => {
  const secret = keys.findIndex(holdsPrivateKey);
  if (secret >= 0) return void ctx.addIssue({ code: 'custom', path: [secret], message: PRIVATE_KEY_WORDS });
  keys.forEach((key, i) => {
    const reason = sshKeyProblem(key);
    if (reason) ctx.addIssue({ code: 'custom', path: [i], message: reason });
  });
});

export const userSchema = z.object({
  name: z.string().trim().regex(USER_NAME, 'must be a lowercase user name such as “core” (letters, digits, _ and -; at most 32)'),
  passwordHash: z
    .string()
    .trim()
    .regex(CRYPT_HASH, 'must be a crypt(3) hash such as $6$… or $y$… (never a plain password)')
    .optional(),
  sshAuthorizedKeys: sshKeys.default([]),
  groups: z.array(z.string().regex(USER_NAME, 'must be a group name such as wheel')).default([]),
});
export type ProfileUser = z.infer<typeof userSchema>;

export const wifiSchema = z
  .object({
    ssid: text().pipe(z.string().min(1, 'is empty')).refine((s) => new TextEncoder().encode(s).length <= 32, 'is longer than 32 bytes')
      .refine((s) => ![...s].some((c) => c.charCodeAt(0) < 0x20), 'contains control characters'),
    security: z.enum(['wpa-psk', 'sae', 'none']).default('wpa-psk'),
    psk: z.string().optional(),
    hidden: z.boolean().default(false),
  })
  .superRefine((wifi, ctx) => {
    if (wifi.security === 'none') return;
    const psk = wifi.psk ?? '';
    const ok = /^[\x20-\x7e]{8,63}$/.test(psk) || /^[0-9a-fA-F]{64}$/.test(psk);
    if (!ok) ctx.addIssue({ code: 'custom', path: ['psk'], message: 'must be 8 to 63 printable characters (or 64 hex digits)' });
  });
export type WifiSettings = z.infer<typeof wifiSchema>;

export const staticIpSchema = z.object({
  /** Leave empty to apply to whichever wired port the board has. */
  interface: z.string().regex(/^[A-Za-z0-9_.-]{1,15}$/, 'must be an interface name such as eth0').optional(),
  address: z.string().trim().refine((cidr) => {
    const [ip, prefix] = cidr.split('/');
    return IPV4.test(ip ?? '') && /^\d+$/.test(prefix ?? '') && Number(prefix) >= 1 && Number(prefix) <= 32;
  }, 'must be an IPv4 address with a prefix length, such as 192.168.1.50/24'),
  gateway: z.string().trim().refine((ip) => IPV4.test(ip), {
    // The address field takes a prefix, so people give the router one too: say what to drop.
    error: (issue) => (/^[\d.]+\/\d+$/.test(String(issue.input)) ? `takes the router's address alone, without a prefix length: ${String(issue.input).split('/')[0]}` : 'must be an IPv4 address such as 192.168.1.1'),
  }).optional(),
  dns: z.array(z.string().trim().regex(IPV4, 'must be an IPv4 address such as 1.1.1.1')).default([]),
});
export type StaticIpSettings = z.infer<typeof staticIpSchema>;

export const extraFileSchema = z.object({
  path: text().refine((p) => p.startsWith('/') && !p.endsWith('/') && !p.split('/').includes('..'), 'must be an absolute file path such as /etc/motd'),
  contents: text(),
  /** Decimal, as Ignition wants it (420 = 0644). */
  mode: z.number().int().min(0).max(0o7777).default(0o644),
});

export const unitSchema = z.object({
  name: z.string().regex(UNIT_NAME, 'must be a systemd unit name such as hello.service'),
  enabled: z.boolean().optional(),
  contents: text().optional(),
});

export const profileSchema = z.object({
  /** May contain {n} or {n:03}: the card's number in the run. */
  hostname: z.string().trim().superRefine((pattern, ctx) => {
    for (const p of hostnamePatternProblems(pattern, 'hostname')) ctx.addIssue({ code: 'custom', message: p.message.replace(/^hostname: /, '') });
  }).optional(),
  users: z.array(userSchema).default([]),
  wifi: wifiSchema.optional(),
  timezone: z.string().trim().regex(TIMEZONE, 'must be a time zone name such as Europe/Berlin or UTC')
    .refine((zone) => !TIMEZONE.test(zone) || isKnownTimeZone(zone), 'is not a time zone this system knows (e.g. Europe/Berlin, America/New_York, UTC)').optional(),
  staticIp: staticIpSchema.optional(),
  files: z.array(extraFileSchema).default([]),
  units: z.array(unitSchema).default([]),
  /**
   * Extra kernel arguments the card keeps, e.g. console=ttyS0,115200: written on the `options`
   * line of the card's boot entries (never as Ignition kernelArguments, which Fedora IoT cannot
   * apply). One argument per entry; that line has no quoting, and GRUB expands `$name` in it.
   */
  kernelArguments: z.array(z.string().regex(KERNEL_ARG, 'must be one kernel argument such as console=ttyS0,115200, without spaces, quotes, backslashes or $')).default([]),
  /** The Wi-Fi regulatory domain (ISO 3166 code): `cfg80211.ieee80211_regdom=CC` on the kernel line. */
  wifiCountry: z.string().trim().refine(isWifiCountry, 'must be a two-letter country code such as DE, US or GB (ISO 3166, upper case)').optional(),
  /** The console keyboard layout (`KEYMAP=` in /etc/vconsole.conf), as `localectl list-keymaps` names it. */
  keymap: z.string().trim().refine(isKeymap, 'is not a keymap Fedora knows (e.g. us, de, de-nodeadkeys, fr, gb)').optional(),
  /** The system language (`LANG=` in /etc/locale.conf), as glibc names it. */
  locale: z.string().trim().refine(isLocale, 'is not a locale Fedora knows (e.g. en_US.UTF-8, de_DE.UTF-8)').optional(),
  /** A container image the card switches to with `bootc switch` on its first boot. */
  bootcSwitch: z.string().trim().regex(IMAGE_REF, 'must be a container image such as quay.io/fedora/fedora-iot:42').optional(),
  /** The text of an Ignition config of the user's, merged into the generated one. */
  mergeConfig: text().optional(),
  /** URL mode: the card fetches its whole config from here at first boot; nothing is generated. */
  ignitionUrl: httpUrl.optional(),
  /** Zezere mode: the card asks this provisioning server for its config. */
  zezereUrl: httpUrl.optional(),
});
export type Profile = z.output<typeof profileSchema>;
export type ProfileInput = z.input<typeof profileSchema>;

/** What a run does with a profile: write a generated config, point the card at a URL, or at Zezere. */
export type ProvisioningMode = 'config' | 'url' | 'zezere';

export function profileMode(profile: Pick<Profile, 'ignitionUrl' | 'zezereUrl'>): ProvisioningMode {
  if (profile.zezereUrl) return 'zezere';
  if (profile.ignitionUrl) return 'url';
  return 'config';
}

/** Whether the profile asks for anything at all (an empty profile provisions nothing). */
export function isEmptyProfile(profile: Profile): boolean {
  return profileMode(profile) === 'config' && !profile.hostname && profile.users.length === 0 && !profile.wifi &&
    !profile.timezone && !profile.wifiCountry && !profile.keymap && !profile.locale && !profile.staticIp && profile.files.length === 0 && profile.units.length === 0 &&
    !profile.bootcSwitch && !profile.mergeConfig && profile.kernelArguments.length === 0;
}
