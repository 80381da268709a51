/**
 * What in the First boot form still needs correcting, counted and named for the footer and the
 * preview alike, so both say the same thing.
 */
import { useShallow } from 'zustand/react/shallow';
import { byFormOrder, fieldLabel, type FormField } from './field-focus';
import { fieldOf } from './profile-form';
import { useProfile } from '../../stores';

/** One list, so a selector returns the same value while nothing needs correcting. */
const NO_FIELDS: FormField[] = [];

/**
 * A passphrase the app chose not to keep (see shell/draft.ts) is not a mistake: it is asked for in
 * neutral words, not counted here.
 *
 * Every field that needs correcting, each once, in the form's order: the typed
 * password waiting for its twin counts as one. Naming only the first hides the others until it is mended.
 */
export function useFieldsToCorrect(): FormField[] {
  return useProfile(useShallow((s) => {
    if (!s.enabled) return NO_FIELDS;
    const fields = (s.preview?.problems ?? []).map(fieldOf).filter((f) => !(f === 'wifiPsk' && s.pskNotKept && !s.form.wifiPsk));
    return [...new Set<FormField>([...(s.passwordPending ? ['passwordHash' as const] : []), ...fields])].sort(byFormOrder);
  }));
}

/** "Hostname needs correcting" or "2 fields need correcting: Hostname, Password". */
export function correctingWords(fields: FormField[]): string {
  const names = fields.map(fieldLabel).join(', ');
  return fields.length === 1 ? `${names} needs correcting` : `${fields.length} fields need correcting: ${names}`;
}
