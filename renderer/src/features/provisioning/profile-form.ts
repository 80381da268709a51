/**
 * The provisioning form as a person fills it (flat strings and toggles) and the profile it means.
 * Kept pure so the store, the preview and the tests agree on one mapping; the shared schema then
 * checks the profile and names the profile field of each problem, which `fieldOf` maps back.
 */
import type { Problem, ProfileInput, StaticIpSettings } from '../../../../shared/provisioning';

export type ProvisioningModeChoice = 'config' | 'url' | 'zezere';

export interface ProfileForm {
  hostname: string;
  userName: string;
  /** A crypt(3) hash made from the typed password; the password itself is never kept. */
  passwordHash: string;
  /** Public keys, one per line (pasted or read from .pub files). */
  sshKeys: string;
  wifiSsid: string;
  wifiPsk: string;
  wifiSecurity: 'wpa-psk' | 'sae' | 'none';
  wifiHidden: boolean;
  timezone: string;
  /** ISO 3166 code of the Wi-Fi regulatory domain. */
  wifiCountry: string;
  /** Console keymap (vconsole.conf) and language (locale.conf). */
  keymap: string;
  locale: string;
  staticAddress: string;
  staticGateway: string;
  staticDns: string;
  bootcSwitch: string;
  mode: ProvisioningModeChoice;
  ignitionUrl: string;
  zezereUrl: string;
  /** The text of an Ignition config file to merge, and its name for display. */
  mergeConfig: string;
  mergeFileName: string;
}

export const emptyForm: ProfileForm = {
  hostname: '', userName: '', passwordHash: '', sshKeys: '', wifiSsid: '', wifiPsk: '', wifiSecurity: 'wpa-psk', wifiHidden: false,
  timezone: '', wifiCountry: '', keymap: '', locale: '', staticAddress: '', staticGateway: '', staticDns: '', bootcSwitch: '', mode: 'config', ignitionUrl: '', zezereUrl: '',
  mergeConfig: '', mergeFileName: '',
};

/** The keys in the SSH keys field: one per line, blank lines and # comments skipped. */
export const keyLines = (text: string) => text.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
const list = (text: string) => text.split(/[\s,;]+/).filter(Boolean);
const given = (text: string) => (text.trim() ? text.trim() : undefined);

/** The fixed address as typed (unchecked), or undefined while its field is empty. */
export function formStaticIp(form: Pick<ProfileForm, 'staticAddress' | 'staticGateway' | 'staticDns'>): StaticIpSettings | undefined {
  if (!given(form.staticAddress)) return undefined;
  return { address: form.staticAddress.trim(), ...(given(form.staticGateway) ? { gateway: form.staticGateway.trim() } : {}), dns: list(form.staticDns) };
}

export function formToProfile(form: ProfileForm): ProfileInput {
  if (form.mode === 'url') return { ignitionUrl: form.ignitionUrl.trim() };
  if (form.mode === 'zezere') return { zezereUrl: form.zezereUrl.trim() };
  const keys = keyLines(form.sshKeys);
  const profile: ProfileInput = {};
  if (given(form.hostname)) profile.hostname = form.hostname.trim();
  if (given(form.userName) || keys.length || form.passwordHash) {
    profile.users = [{
      name: form.userName.trim(),
      ...(form.passwordHash ? { passwordHash: form.passwordHash } : {}),
      sshAuthorizedKeys: keys,
      groups: ['wheel'],
    }];
  }
  if (given(form.wifiSsid)) {
    profile.wifi = { ssid: form.wifiSsid, security: form.wifiSecurity, hidden: form.wifiHidden, ...(form.wifiSecurity === 'none' ? {} : { psk: form.wifiPsk }) };
  }
  if (given(form.timezone)) profile.timezone = form.timezone.trim();
  if (given(form.wifiCountry)) profile.wifiCountry = form.wifiCountry.trim();
  if (given(form.keymap)) profile.keymap = form.keymap.trim();
  if (given(form.locale)) profile.locale = form.locale.trim();
  const staticIp = formStaticIp(form);
  if (staticIp) profile.staticIp = staticIp;
  if (given(form.bootcSwitch)) profile.bootcSwitch = form.bootcSwitch.trim();
  if (form.mergeConfig) profile.mergeConfig = form.mergeConfig;
  return profile;
}

/** A saved profile back into the form (fields the form has no control for are kept by `extra`). */
export function profileToForm(profile: ProfileInput): ProfileForm {
  const user = profile.users?.[0];
  return {
    ...emptyForm,
    hostname: profile.hostname ?? '',
    userName: user?.name ?? '',
    passwordHash: user?.passwordHash ?? '',
    sshKeys: (user?.sshAuthorizedKeys ?? []).join('\n'),
    wifiSsid: profile.wifi?.ssid ?? '',
    wifiPsk: profile.wifi?.psk ?? '',
    wifiSecurity: profile.wifi?.security ?? 'wpa-psk',
    wifiHidden: profile.wifi?.hidden ?? false,
    timezone: profile.timezone ?? '',
    wifiCountry: profile.wifiCountry ?? '',
    keymap: profile.keymap ?? '',
    locale: profile.locale ?? '',
    staticAddress: profile.staticIp?.address ?? '',
    staticGateway: profile.staticIp?.gateway ?? '',
    staticDns: (profile.staticIp?.dns ?? []).join(' '),
    bootcSwitch: profile.bootcSwitch ?? '',
    mode: profile.zezereUrl ? 'zezere' : profile.ignitionUrl ? 'url' : 'config',
    ignitionUrl: profile.ignitionUrl ?? '',
    zezereUrl: profile.zezereUrl ?? '',
    mergeConfig: profile.mergeConfig ?? '',
    mergeFileName: profile.mergeConfig ? 'merged config' : '',
  };
}

/** Which form field a profile problem belongs to, so the message appears beside it. */
export function fieldOf(problem: Problem): keyof ProfileForm | 'profile' {
  const f = problem.field;
  if (f.startsWith('hostname')) return 'hostname';
  if (/^users\.\d+\.name/.test(f)) return 'userName';
  if (/^users\.\d+\.passwordHash/.test(f)) return 'passwordHash';
  if (/^users\.\d+\.sshAuthorizedKeys/.test(f)) return 'sshKeys';
  if (f.startsWith('wifiCountry')) return 'wifiCountry';
  if (f.startsWith('keymap')) return 'keymap';
  if (f.startsWith('locale')) return 'locale';
  if (f.startsWith('wifi.psk')) return 'wifiPsk';
  if (f.startsWith('wifi')) return 'wifiSsid';
  if (f.startsWith('timezone')) return 'timezone';
  if (f.startsWith('staticIp.gateway')) return 'staticGateway';
  if (f.startsWith('staticIp.dns')) return 'staticDns';
  if (f.startsWith('staticIp')) return 'staticAddress';
  if (f.startsWith('bootcSwitch')) return 'bootcSwitch';
  if (f.startsWith('mergeConfig')) return 'mergeConfig';
  if (f.startsWith('ignitionUrl')) return 'ignitionUrl';
  if (f.startsWith('zezereUrl')) return 'zezereUrl';
  return 'profile';
}

/** The message shown beside a field: the profile's field path reads oddly in a form, so the
 *  SSH key number is kept (which key is wrong) and the rest of the path is dropped. */
export function formMessage(problem: Problem): string {
  const key = /^users\.\d+\.sshAuthorizedKeys\.(\d+)/.exec(problem.field);
  const text = problem.message.startsWith(`${problem.field}: `) ? problem.message.slice(problem.field.length + 2) : problem.message;
  return key ? `Key ${Number(key[1]) + 1} ${text}` : text;
}
