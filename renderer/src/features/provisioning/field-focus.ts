/**
 * The way out of a setting that needs correcting: go to that field and put the keyboard in it.
 * Offered instead of dropping first-boot setup, which would throw away everything typed for one typo.
 */
import type { ProfileForm } from './profile-form';
import { uiStore } from '../../stores';

export type FormField = keyof ProfileForm | 'profile';

/** Each field as its label names it, for "Go to <field>". */
const FIELD_LABELS: Record<FormField, string> = {
  hostname: 'Hostname', userName: 'User name', passwordHash: 'Password', sshKeys: 'SSH public keys', wifiSsid: 'Network name (SSID)',
  wifiPsk: 'Passphrase', wifiSecurity: 'Security', wifiHidden: 'Hidden network', timezone: 'Time zone', wifiCountry: 'Wi-Fi country',
  keymap: 'Keyboard layout', locale: 'Language', staticAddress: 'Address with prefix', staticGateway: 'Gateway', staticDns: 'DNS servers',
  bootcSwitch: 'bootc image', mode: 'Where the config comes from', ignitionUrl: 'Ignition config URL', zezereUrl: 'Zezere server URL',
  mergeConfig: 'Merge an Ignition config', mergeFileName: 'Merge an Ignition config', profile: 'What will be written',
};

/** The control a field's problem points at: fields carry data-testid "profile-<name>" (the password's typed twin, "profile-password"). */
const CONTROLS: Partial<Record<FormField, string>> = { passwordHash: 'profile-password', mergeConfig: 'profile-merge-file', profile: 'profile-error-profile' };

export const fieldLabel = (field: FormField): string => FIELD_LABELS[field];

/** Fields in the order the form shows them (the labels are listed that way), to name several as a person meets them. */
const FORM_ORDER = Object.keys(FIELD_LABELS);
export const byFormOrder = (a: FormField, b: FormField): number => FORM_ORDER.indexOf(a) - FORM_ORDER.indexOf(b);

/** The data-testid of the control where a field's problem is mended. */
export const controlOf = (field: FormField): string => CONTROLS[field] ?? `profile-${field}`;

function focusControl(testId: string): boolean {
  const control = document.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
  if (!control) return false;
  // A field folded under "Advanced" is opened first, or the focus would land on nothing visible.
  for (let parent = control.parentElement; parent; parent = parent.parentElement) {
    if (parent instanceof HTMLDetailsElement) parent.open = true;
  }
  // A list of problems is not focusable by itself; -1 lets the script focus it without adding a Tab stop.
  if (control.tabIndex < 0 && !control.hasAttribute('tabindex')) control.setAttribute('tabindex', '-1');
  control.focus();
  control.scrollIntoView({ block: 'center' });
  return true;
}

/**
 * Opens the First boot step (if another is shown) and focuses the control (see `controlOf`). Once more a frame later:
 * a step just opened renders its panel and puts the focus on its heading first.
 */
export function goToControl(testId: string): void {
  uiStore.getState().goTo('provisioning');
  focusControl(testId);
  requestAnimationFrame(() => focusControl(testId));
}
