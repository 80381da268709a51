/**
 * The provisioning flags shared by `flash`, `provision`, `ignition` and `build` (docs/cli.md).
 * Commands spread `provisioningOptions` into their util.parseArgs options and hand the parsed
 * values to `profileFromFlags`, which returns a checked profile or throws a USAGE error (exit 2)
 * that names the flag to correct.
 */
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FiotError } from '../../shared/errors';
import { checkProfile, COUNTER_MAX, hasCounter, holdsPrivateKey, IPV4, PRIVATE_KEY_WORDS, savedProfileSchema, staticIpReachWords, type Problem, type Profile } from '../../shared/provisioning';
import { checkUtf8Flags, readUtf8File } from './text-input';

export const provisioningOptions = {
  profile: { type: 'string' },
  ignition: { type: 'string' },
  'ignition-url': { type: 'string' },
  'zezere-url': { type: 'string' },
  hostname: { type: 'string' },
  user: { type: 'string' },
  'password-hash': { type: 'string' },
  'ssh-key': { type: 'string', multiple: true },
  'wifi-ssid': { type: 'string' },
  'wifi-psk-file': { type: 'string' },
  'wifi-security': { type: 'string' },
  'wifi-hidden': { type: 'boolean' },
  'static-ip': { type: 'string' },
  gateway: { type: 'string' },
  dns: { type: 'string', multiple: true },
  timezone: { type: 'string' },
  'wifi-country': { type: 'string' },
  keymap: { type: 'string' },
  locale: { type: 'string' },
  'kernel-arg': { type: 'string', multiple: true },
  'bootc-switch': { type: 'string' },
  'counter-start': { type: 'string' },
  'ip-prefix': { type: 'string' },
} as const;

/** What `flash` and `bench` share: the provisioning flags, a table, the board, and how to answer. */
export const cardWriteOptions = {
  yes: { type: 'boolean', short: 'y' },
  board: { type: 'string' },
  'ignore-board': { type: 'boolean' },
  'insecure-skip-signature': { type: 'boolean' },
  json: { type: 'boolean' },
  table: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...provisioningOptions,
} as const;

/** The help text block every command that takes these flags prints. */
export const provisioningHelp = `
Provisioning (first boot, through Ignition):
  --hostname NAME        may contain {n} or {n:03}: the card's number (the numbering goes on
                         from the last card written with the same pattern)
  --counter-start N      the first card's {n}; flash continues the pattern's numbering without it
  --user NAME            a user (in group wheel) ...
  --password-hash HASH   ... with this crypt(3) hash (e.g. from \`openssl passwd -6\`)
  --ssh-key KEY|@FILE    ... with this SSH public key, or the keys in FILE (repeatable; a
                         path without the @, such as ~/.ssh/id_ed25519.pub, is read too)
  --wifi-ssid SSID       a Wi-Fi network, with --wifi-psk-file FILE (the passphrase),
                         --wifi-security wpa-psk|sae|none and --wifi-hidden
  --static-ip A.B.C.D/N  a static IPv4 address for the wired port (--gateway IP, --dns IP);
                         without a gateway and DNS server the device reaches only its subnet
  --ip-prefix N          the network's size for addresses given without one, as spreadsheets
                         export them (192.168.1.20 with --ip-prefix 24 is 192.168.1.20/24,
                         netmask 255.255.255.0): --static-ip and the table's ip column
  --timezone TZ          e.g. Europe/Berlin
  --wifi-country CC      the Wi-Fi regulatory domain, e.g. DE (ISO 3166; on the kernel line)
  --keymap NAME          the console keyboard layout, e.g. de-nodeadkeys (as localectl lists them)
  --locale NAME          the system language, e.g. de_DE.UTF-8
  --kernel-arg ARG       a kernel argument for the card's boot entries (repeatable)
  --bootc-switch IMAGE   switch to this bootc container image on first boot
  --ignition FILE        an Ignition config of yours, merged into the generated one
  --profile FILE         first-boot settings saved or exported from the app; the flags above
                         add to them
  --ignition-url URL     instead: the card fetches its whole config from URL
  --zezere-url URL       instead: the card asks this Zezere server (images with zezere-ignition only)
`;

export type ProvisioningValues = { [K in keyof typeof provisioningOptions]?: (typeof provisioningOptions)[K] extends { multiple: true } ? string[] : (typeof provisioningOptions)[K] extends { type: 'boolean' } ? boolean : string };

/** Which flag a profile field came from, for messages a person can act on. */
const FLAG_OF_FIELD: Array<[RegExp, string]> = [
  [/^hostname/, '--hostname'],
  [/^users\.\d+\.name/, '--user'],
  [/^users\.\d+\.passwordHash/, '--password-hash'],
  [/^users\.\d+\.sshAuthorizedKeys/, '--ssh-key'],
  [/^wifiCountry/, '--wifi-country'],
  [/^wifi\.psk/, '--wifi-psk-file'],
  [/^wifi\.security/, '--wifi-security'],
  [/^wifi/, '--wifi-ssid'],
  [/^staticIp\.gateway/, '--gateway'],
  [/^staticIp\.dns/, '--dns'],
  [/^staticIp/, '--static-ip'],
  [/^timezone/, '--timezone'],
  [/^keymap/, '--keymap'],
  [/^locale/, '--locale'],
  [/^kernelArguments/, '--kernel-arg'],
  [/^bootcSwitch/, '--bootc-switch'],
  [/^mergeConfig/, '--ignition'],
  [/^ignitionUrl/, '--ignition-url'],
  [/^zezereUrl/, '--zezere-url'],
];

function usage(message: string, hint = 'Correct the flag named in the message; `--help` lists them.'): FiotError {
  return new FiotError('USAGE', message, hint);
}


/** A profile file: an exported named profile ({format, name, profile}) or a bare profile object. */
function readProfileFile(file: string, cwd: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readUtf8File(file, '--profile', cwd));
  } catch (error) {
    if (error instanceof FiotError) throw error;
    throw usage(`--profile ${file}: not valid JSON (${(error as Error).message}).`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw usage(`--profile ${file}: must hold a JSON object.`);
  const saved = savedProfileSchema.safeParse(parsed);
  return saved.success ? { ...saved.data.profile } : (parsed as Record<string, unknown>);
}

/** The keys in a key file (`value` as typed names it in messages). */
function keysInFile(file: string, value: string, cwd: string): string[] {
  const text = readUtf8File(file, '--ssh-key', cwd);
  // Named by its file and refused whole: no line of it may reach an error message.
  if (holdsPrivateKey(text)) throw usage(`--ssh-key ${value} ${PRIVATE_KEY_WORDS}.`, 'Give the public key: the file of the same name ending in .pub.');
  // A key file may hold several keys (an authorized_keys file): one per non-comment line.
  return text.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
}

/**
 * A value that is not a key but names an existing file (`--ssh-key ~/.ssh/id_ed25519.pub`, the
 * shell having expanded the ~ that `@~/…` would keep) is read as `@FILE` would be: a key's text
 * starts with its type, never with a path.
 */
function namesKeyFile(value: string, cwd: string): boolean {
  if (/^(ssh-|ecdsa-|sk-)/.test(value.trim())) return false;
  return statSync(path.resolve(cwd, value), { throwIfNoEntry: false })?.isFile() ?? false;
}

/**
 * A value with no space that reads as a file's path: it starts as a path does (`/`, `./`, `../`,
 * `~`) or ends in `.pub`. A pasted line of a key's body holds `/` too, but never in front and never
 * a dot: it must reach the private-key check, which names it without echoing it.
 */
function looksLikeKeyPath(value: string): boolean {
  const trimmed = value.trim();
  return !/\s/.test(trimmed) && (/^(~|\.{0,2}\/)/.test(trimmed) || /\.pub$/i.test(trimmed));
}

function sshKeys(values: ProvisioningValues, cwd: string): string[] {
  return (values['ssh-key'] ?? []).flatMap((key) => {
    // The shell leaves the ~ of `@~/.ssh/id_ed25519.pub` alone (it is not at the word's start): it is the home folder here too.
    if (key.startsWith('@~/')) return keysInFile(path.join(os.homedir(), key.slice(3)), key, cwd);
    if (key.startsWith('@')) return keysInFile(key.slice(1), key, cwd);
    if (namesKeyFile(key, cwd)) return keysInFile(key, key, cwd);
    if (looksLikeKeyPath(key)) throw usage(`--ssh-key ${key}: there is no such file.`, 'Give the path of your public key file (such as ~/.ssh/id_ed25519.pub; `ls ~/.ssh` lists them), or the key\'s own text in quotes.');
    return [key.trim()];
  });
}

function describeProblem(problem: Problem, profileFile: string | undefined, fromFlags: Set<string>): string {
  const flag = FLAG_OF_FIELD.find(([pattern]) => pattern.test(problem.field))?.[1];
  if (flag && fromFlags.has(flag)) {
    // A merged config's problems carry their own path after the profile field: keep that part.
    const prefix = [problem.field, problem.field.split('.')[0]].map((f) => `${f}: `).find((p) => problem.message.startsWith(p)) ?? '';
    return `${flag}: ${problem.message.slice(prefix.length)}`;
  }
  return profileFile ? `--profile ${profileFile}: ${problem.message}` : problem.message;
}

/** Flags that shape other values rather than set anything on the card themselves. */
const MODIFIER_FLAGS = new Set<keyof ProvisioningValues>(['counter-start', 'ip-prefix']);

/**
 * --gateway and --dns with --table and no --static-ip: the router's address for the table's rows
 * that give an address but no gateway or DNS server of their own (table-flag.ts fills them), as
 * the app's "Gateway for these rows" does. They are then no part of the profile.
 */
export function fillsTable(values: ProvisioningValues & { table?: string }): boolean {
  return values.table !== undefined && values['static-ip'] === undefined;
}

/** Whether any provisioning flag (other than --counter-start, --ip-prefix, and a table's fill) was given. */
export function hasProvisioningFlags(values: ProvisioningValues & { table?: string }): boolean {
  const modifiers = fillsTable(values) ? new Set<keyof ProvisioningValues>([...MODIFIER_FLAGS, 'gateway', 'dns']) : MODIFIER_FLAGS;
  return (Object.keys(provisioningOptions) as Array<keyof ProvisioningValues>).some((name) => !modifiers.has(name) && values[name] !== undefined);
}

/** --ip-prefix N: the prefix length bare addresses get; undefined without it. */
export function ipPrefixFromFlags(values: ProvisioningValues): number | undefined {
  const value = values['ip-prefix'];
  if (value === undefined) return undefined;
  const prefix = /^\/?\d{1,2}$/.test(value) ? Number(value.replace('/', '')) : NaN;
  if (!(prefix >= 1 && prefix <= 32)) throw usage(`--ip-prefix takes the network's size as a number from 1 to 32, e.g. --ip-prefix 24 (netmask 255.255.255.0); got “${value}”.`);
  return prefix;
}

/** --static-ip as given, with --ip-prefix added to a bare address; a bare address without it is refused with the fix. */
function staticAddress(values: ProvisioningValues): string | undefined {
  const address = values['static-ip']?.trim();
  if (address === undefined || !IPV4.test(address)) return address;
  const prefix = ipPrefixFromFlags(values);
  if (prefix === undefined) throw usage(`--static-ip ${address} has no network size (the “/24” after it): write ${address}/24, or add --ip-prefix 24 (netmask 255.255.255.0, what most home and office networks use).`);
  return `${address}/${prefix}`;
}

/** The first card's {n}: --counter-start; undefined without it (flash continues the series, the others start at 1). */
export function counterStartFromFlags(values: ProvisioningValues): number | undefined {
  const value = values['counter-start'];
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw usage('--counter-start takes a whole number, e.g. --counter-start 12.');
  const start = Number(value);
  if (start > COUNTER_MAX) throw usage(`--counter-start takes a number from 0 to ${COUNTER_MAX}; ${value} is larger.`);
  return start;
}

/** The checked profile the flags describe, or undefined when none was given. */
export function profileFromFlags(values: ProvisioningValues & { table?: string }, options: { cwd?: string } = {}): Profile | undefined {
  if (!hasProvisioningFlags(values)) return undefined;
  checkUtf8Flags(values);
  const cwd = options.cwd ?? process.cwd();
  const profile = values.profile ? readProfileFile(values.profile, cwd) : {};
  const fromFlags = new Set<string>();
  const set = (flag: string, field: string, value: unknown) => {
    if (value === undefined) return;
    profile[field] = value;
    fromFlags.add(flag);
  };

  const keys = sshKeys(values, cwd);
  if ((keys.length || values['password-hash']) && !values.user) {
    throw usage('--ssh-key and --password-hash need --user NAME: the user they belong to.');
  }
  if (values.user) {
    const users = Array.isArray(profile.users) ? [...(profile.users as unknown[])] : [];
    users.push({ name: values.user, passwordHash: values['password-hash'], sshAuthorizedKeys: keys, groups: ['wheel'] });
    set('--user', 'users', users);
    ['--password-hash', '--ssh-key'].forEach((flag) => fromFlags.add(flag));
  }
  if (values['wifi-ssid'] !== undefined) {
    const security = values['wifi-security'] ?? 'wpa-psk';
    if (security !== 'none' && !values['wifi-psk-file']) throw usage('--wifi-ssid needs --wifi-psk-file FILE holding the passphrase (or --wifi-security none for an open network).');
    const psk = values['wifi-psk-file'] ? readUtf8File(values['wifi-psk-file'], '--wifi-psk-file', cwd).replace(/\r?\n$/, '') : undefined;
    set('--wifi-ssid', 'wifi', { ssid: values['wifi-ssid'], security, psk, hidden: values['wifi-hidden'] ?? false });
    ['--wifi-psk-file', '--wifi-security'].forEach((flag) => fromFlags.add(flag));
  } else if (values['wifi-psk-file'] || values['wifi-security'] || values['wifi-hidden']) {
    throw usage('--wifi-psk-file, --wifi-security and --wifi-hidden need --wifi-ssid SSID.');
  }
  if (values['static-ip'] !== undefined) {
    set('--static-ip', 'staticIp', { address: staticAddress(values), gateway: values.gateway, dns: values.dns ?? [] });
    ['--gateway', '--dns'].forEach((flag) => fromFlags.add(flag));
  } else if ((values.gateway || values.dns) && !fillsTable(values)) {
    throw usage('--gateway and --dns need --static-ip ADDRESS/PREFIX (or --table FILE, whose rows with an address and no gateway or DNS server of their own they fill).');
  }
  set('--hostname', 'hostname', values.hostname);
  set('--timezone', 'timezone', values.timezone);
  set('--wifi-country', 'wifiCountry', values['wifi-country']);
  set('--keymap', 'keymap', values.keymap);
  set('--locale', 'locale', values.locale);
  set('--kernel-arg', 'kernelArguments', values['kernel-arg']);
  set('--bootc-switch', 'bootcSwitch', values['bootc-switch']);
  set('--ignition-url', 'ignitionUrl', values['ignition-url']);
  set('--zezere-url', 'zezereUrl', values['zezere-url']);
  if (values.ignition) set('--ignition', 'mergeConfig', readUtf8File(values.ignition, '--ignition', cwd));

  const { profile: checked, problems } = checkProfile(profile);
  if (!checked) throw usage(problems.map((p) => describeProblem(p, values.profile, fromFlags)).join('\n'));
  return checked;
}

/** Things worth saying before a multi-card run that are not errors. */
export function provisioningWarnings(profile: Profile | undefined, cards: number): string[] {
  if (!profile?.hostname || cards < 2 || hasCounter(profile.hostname)) return [];
  return [`Every card will be named “${profile.hostname}”; use {n} or {n:03} in --hostname to number them.`];
}

/** A static address that reaches only its subnet, in words, with the flags that give what it lacks. */
export function staticIpWarning(profile: Profile | undefined): string | null {
  const words = staticIpReachWords(profile?.staticIp);
  if (!words) return null;
  const flags = [...(profile?.staticIp?.gateway ? [] : ['--gateway ADDRESS (usually the router, such as 192.168.1.1)']), ...(profile?.staticIp?.dns.length ? [] : ['--dns ADDRESS'])];
  return `${words} Add ${flags.join(' and ')}.`;
}
