/**
 * Region and keyboard for the card: a searchable time zone (this computer's by default), the
 * Wi-Fi country (from the zone), the console keyboard (from this computer's language) and the
 * language. Each list is the one the profile is checked against, so a pick is always accepted.
 */
import { useEffect, useId } from 'react';
import { keymapNames, localeNames, timeZoneNames, wifiCountries } from '../../../../shared/provisioning';
import { FieldErrors, useFieldProblems } from './field';
import type { ProfileForm } from './profile-form';
import { countryAfterZoneChange, suggestRegion, thisComputer } from './region-suggestions';
import { profileStore, useProfile } from '../../stores';

const ZONES = timeZoneNames();
const COUNTRIES = wifiCountries();
const KEYMAPS = keymapNames();
const LOCALES = localeNames();

/** Suggested once per session: a person who clears a field does not see it filled again. */
let suggested = false;

function fillFromThisComputer(): void {
  if (suggested) return;
  suggested = true;
  const { form, update } = profileStore.getState();
  const { zone, language } = thisComputer();
  const suggestion = suggestRegion(zone, language);
  const changes: Partial<ProfileForm> = {};
  for (const key of ['timezone', 'wifiCountry', 'keymap'] as const) {
    if (!form[key] && suggestion[key]) changes[key] = suggestion[key];
  }
  if (Object.keys(changes).length) update(changes);
}

interface PickerProps {
  name: 'timezone' | 'keymap' | 'locale';
  label: string;
  options: string[];
  hint: string;
  placeholder: string;
  onPick?: (value: string) => void;
}

/** A text field with the list to search in (the browser's own suggestions as one types). */
function PickerField({ name, label, options, hint, placeholder, onPick }: PickerProps) {
  const id = useId();
  const value = useProfile((s) => s.form[name]);
  const problems = useFieldProblems(name);
  return (
    <div className={`field${problems.length ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input id={id} list={`${id}-list`} value={value} placeholder={placeholder} spellCheck={false} autoComplete="off"
        aria-invalid={problems.length > 0} aria-describedby={`${id}-hint ${id}-error`} data-testid={`profile-${name}`}
        onChange={(e) => (onPick ? onPick(e.target.value) : profileStore.getState().update({ [name]: e.target.value }))} />
      <datalist id={`${id}-list`}>
        {options.map((option) => <option key={option} value={option} />)}
      </datalist>
      <p id={`${id}-hint`} className="field-hint">{hint}</p>
      <FieldErrors id={`${id}-error`} messages={problems} field={name} />
    </div>
  );
}

function WifiCountryField() {
  const id = useId();
  const value = useProfile((s) => s.form.wifiCountry);
  const problems = useFieldProblems('wifiCountry');
  return (
    <div className={`field${problems.length ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>Wi-Fi country</label>
      <select id={id} value={value} data-testid="profile-wifiCountry" aria-describedby={`${id}-hint ${id}-error`}
        onChange={(e) => profileStore.getState().update({ wifiCountry: e.target.value })}>
        <option value="">Not set (the radio keeps to the channels allowed everywhere)</option>
        {COUNTRIES.map((c) => <option key={c.code} value={c.code}>{c.name} ({c.code})</option>)}
      </select>
      <p id={`${id}-hint`} className="field-hint">Which Wi-Fi channels and power the card may use; follows the time zone until you pick one.</p>
      <FieldErrors id={`${id}-error`} messages={problems} field="wifiCountry" />
    </div>
  );
}

export function RegionFields() {
  useEffect(fillFromThisComputer, []);
  const pickZone = (zone: string) => {
    const { form, update } = profileStore.getState();
    update({ timezone: zone, wifiCountry: countryAfterZoneChange(form.timezone, zone, form.wifiCountry) });
  };
  return (
    <fieldset className="form-group" data-testid="profile-region">
      <legend>Region and keyboard</legend>
      <PickerField name="timezone" label="Time zone" options={ZONES} onPick={pickZone} placeholder="Type to search, e.g. Berlin"
        hint="This computer's zone to begin with." />
      <WifiCountryField />
      <PickerField name="keymap" label="Keyboard layout (console)" options={KEYMAPS} placeholder="e.g. us, de-nodeadkeys, gb"
        hint="For a keyboard plugged into the card; from this computer's language to begin with." />
      <PickerField name="locale" label="Language" options={LOCALES} placeholder="e.g. en_US.UTF-8"
        hint="Leave empty for Fedora's default; other languages need their langpack on the device." />
    </fieldset>
  );
}
