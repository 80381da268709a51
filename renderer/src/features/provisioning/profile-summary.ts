/**
 * The first-boot setup in one plain sentence ("User core, 1 SSH key, hostname my-pi, Wi-Fi
 * Workshop (passphrase hidden), time zone Europe/Paris"), shown above the JSON so nobody has to
 * read Ignition to know what the card will do; and whether the card will have any way to log in.
 */
import { keyLines, type ProfileForm } from './profile-form';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * True when the card can be logged into: a password or an SSH key, or a config from elsewhere
 * (a URL, Zezere, a merged file) that may bring its own users. Fedora IoT has no default login.
 */
export function hasLogin(enabled: boolean, form: ProfileForm): boolean {
  if (!enabled) return false;
  if (form.mode !== 'config' || form.mergeConfig) return true;
  return Boolean(form.passwordHash) || keyLines(form.sshKeys).length > 0;
}

function userWords(form: ProfileForm): string[] {
  const keys = keyLines(form.sshKeys).length;
  if (!form.passwordHash && keys === 0) return form.userName.trim() ? [`User ${form.userName.trim()} with no password and no SSH key`] : ['No user (no way to log in)'];
  return [`User ${form.userName.trim() || '(no name yet)'}`, ...(keys ? [plural(keys, 'SSH key')] : []), ...(form.passwordHash ? ['password set'] : [])];
}

function wifiWords(form: ProfileForm): string {
  if (form.wifiSecurity === 'none') return `Wi-Fi ${form.wifiSsid} (open network)`;
  return `Wi-Fi ${form.wifiSsid} (${form.wifiPsk ? 'passphrase hidden' : 'no passphrase yet'})`;
}

/** A device table in use, as the summary tells it. */
export interface TableFacts {
  /** The file's name ("sites.csv"), or "pasted table". */
  name: string;
  /** Each row's own hostname (the table's hostname column), in order; undefined for a row without one; none while the table needs correcting. */
  hostnames: Array<string | undefined>;
  /** Whether the rows give fixed addresses (an ip column). */
  addresses: boolean;
  /** The rows already written (1 = first device), once the core said; undefined until then. */
  rowsUsed?: readonly number[];
  /** The table was in use before a reload but could not be brought back: it must be imported again. */
  lost?: boolean;
}

/** "3 written, next is row 4 (site-pump-04), 9 left"; null before any row is written or while unknown. */
export function tableProgressWords(table: TableFacts): string | null {
  const count = table.hostnames.length;
  const used = new Set(table.rowsUsed ?? []);
  if (used.size === 0 || count === 0) return null;
  const nextIndex = table.hostnames.findIndex((_, i) => !used.has(i + 1));
  if (nextIndex < 0) return `all ${count} rows written: add rows to the table for more cards`;
  const name = table.hostnames[nextIndex];
  const left = table.hostnames.filter((_, i) => !used.has(i + 1)).length;
  return `${used.size} written, next is row ${nextIndex + 1}${name ? ` (${name})` : ''}, ${left} left`;
}

/** "12 devices from sites.csv: site-pump-01 … site-pump-12, one per card", and how far the table is. */
export function tableWords(table: TableFacts, hostname: string): string {
  const progress = tableProgressWords(table);
  return progress ? `${tableDevicesWords(table, hostname)}; ${progress}` : tableDevicesWords(table, hostname);
}

function tableDevicesWords(table: TableFacts, hostname: string): string {
  const count = table.hostnames.length;
  if (table.lost) return `the device table ${table.name}, once imported again`;
  if (count === 0) return `the device table ${table.name}, once corrected`;
  const from = `${plural(count, 'device')} from ${table.name}`;
  const names = table.hostnames.filter((name): name is string => Boolean(name));
  if (names.length === count && count > 0) {
    const list = count === 1 ? names[0] : count === 2 ? `${names[0]} and ${names[1]}` : `${names[0]} … ${names[count - 1]}`;
    return `${from}: ${list}, one per card`;
  }
  return `${from}, one per card, ${hostname ? `named ${hostname}${count > 1 ? ', …' : ''}` : 'hostname unchanged'}`;
}

/** What the form alone does not know, from the screen that shows the summary. */
export interface SummaryFacts {
  /** The expanded name of the first card (from the preview), when known. */
  firstHostname?: string;
  /** How the cards are named, when the caller knows better (the Write step names each selected card); replaces the hostname words. */
  naming?: string;
  /** The device table in use: its rows' names and addresses are told instead of the form's. */
  table?: TableFacts;
  /** Whether the devices will report to this machine when they come up (chosen in the Write step). */
  checkin?: boolean;
}

/**
 * Every first-boot setting in plain words, secrets left out (a password or passphrase is only said
 * to be set): the First boot step's summary and the Write step's last look before erasing.
 */
export function profileSummary(form: ProfileForm, facts: SummaryFacts = {}): string {
  if (form.mode === 'url') return `Config fetched from ${form.ignitionUrl.trim() || '(no URL yet)'} at first boot`;
  if (form.mode === 'zezere') return `Claimed through the Zezere server ${form.zezereUrl.trim() || '(no URL yet)'}`;
  const { table } = facts;
  const hostname = facts.firstHostname ?? form.hostname.trim();
  const address = table?.addresses ? 'fixed addresses from the table' : form.staticAddress.trim() ? `fixed address ${form.staticAddress.trim()}` : undefined;
  const parts = [
    ...userWords(form),
    facts.naming ?? (table ? tableWords(table, hostname) : hostname ? `hostname ${hostname}` : 'hostname unchanged'),
    form.wifiSsid.trim() ? wifiWords(form) : undefined,
    form.timezone.trim() ? `time zone ${form.timezone.trim()}` : undefined,
    address,
    form.bootcSwitch.trim() ? `switches to ${form.bootcSwitch.trim()}` : undefined,
    form.mergeConfig ? `merges ${form.mergeFileName || 'an Ignition file'}` : undefined,
    facts.checkin ? 'reports to this computer when it comes up' : undefined,
  ];
  return parts.filter(Boolean).join(', ');
}
