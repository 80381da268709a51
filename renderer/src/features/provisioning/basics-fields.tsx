/**
 * The common things, short: hostname (with the names the next cards get), a user with a
 * password and SSH keys (pasted, from a .pub file, ~/.ssh or a keys URL), and Wi-Fi.
 */
import { useEffect, useRef, useState } from 'react';
import { FieldErrors, TextField, useFieldProblems } from './field';
import { KeyImport } from './key-import';
import { profileStore, useProfile } from '../../stores';

/** One empty list, so a selector returns the same value while there is no preview (zustand compares by identity). */
const NO_NAMES: string[] = [];

function HostnamePreview() {
  const names = useProfile((s) => s.preview?.hostnames ?? NO_NAMES);
  const pattern = useProfile((s) => s.form.hostname);
  return (
    <div className="hostname-preview">
      {pattern.includes('{n') && names.length > 0 && (
        <p className="muted small" data-testid="hostname-preview">Next cards: <code>{names.join(', ')}</code>, …</p>
      )}
    </div>
  );
}

/**
 * What is typed is what is set: the password is hashed when the field is left (or on Enter), so
 * there is no "Set" button to forget; leaving the step with text still typed hashes it too.
 */
function PasswordField() {
  const [password, setPassword] = useState('');
  const typed = useRef('');
  const hash = useProfile((s) => s.form.passwordHash);
  const problems = useFieldProblems('passwordHash');
  const commit = () => {
    if (!typed.current) return;
    void profileStore.getState().setPassword(typed.current);
    typed.current = '';
    setPassword('');
  };
  useEffect(() => () => {
    if (typed.current) void profileStore.getState().setPassword(typed.current);
  }, []);
  return (
    <div className="field">
      <label htmlFor="profile-password">Password (optional)</label>
      <div className="row">
        <input id="profile-password" type="password" autoComplete="new-password" value={password} data-testid="profile-password" aria-describedby="profile-password-hint"
          placeholder={hash ? 'A password is set (only its hash is kept)' : 'Type a password'}
          onChange={(e) => {
            typed.current = e.target.value;
            setPassword(e.target.value);
          }} onBlur={commit} onKeyDown={(e) => e.key === 'Enter' && commit()} />
        {hash && <button type="button" className="button" onClick={() => profileStore.getState().update({ passwordHash: '' })} data-testid="profile-password-clear">Remove password</button>}
      </div>
      <p id="profile-password-hint" className="field-hint" data-testid="profile-password-state">
        {hash ? 'Password set: only its sha512-crypt hash is kept and written.' : 'Hashed as soon as you leave the field; the password itself is never stored or written.'}
      </p>
      <FieldErrors messages={problems} field="passwordHash" />
    </div>
  );
}

export function BasicsFields() {
  const security = useProfile((s) => s.form.wifiSecurity);
  const hidden = useProfile((s) => s.form.wifiHidden);
  const update = profileStore.getState().update;
  return (
    <div className="stack">
      <fieldset className="form-group">
        <legend>Name</legend>
        <TextField name="hostname" label="Hostname" placeholder="sensor-{n:03}"
          hint={<>The name the device answers to on your network. For several cards, <code>{'{n}'}</code> numbers them (1, 2, 3…) and <code>{'{n:03}'}</code> pads the number (001, 002…).</>} />
        <HostnamePreview />
      </fieldset>
      <fieldset className="form-group">
        <legend>User</legend>
        <TextField name="userName" label="User name" placeholder="core" hint="An administrator account: it may run commands with sudo (as a member of the “wheel” group)." />
        <PasswordField />
        <TextField name="sshKeys" label="SSH public keys (one per line)" placeholder="ssh-ed25519 AAAA… you@laptop" multiline mono
          hint="What is this? A key lets your computer log in without a password: paste the one line of a .pub file from your computer (such as id_ed25519.pub in its .ssh folder)." />
        <KeyImport />
      </fieldset>
      <fieldset className="form-group">
        <legend>Wi-Fi (optional)</legend>
        <TextField name="wifiSsid" label="Network name (SSID)" />
        <div className="row">
          <label className="inline-label">
            Security
            <select value={security} data-testid="profile-wifiSecurity" onChange={(e) => update({ wifiSecurity: e.target.value as typeof security })}>
              <option value="wpa-psk">WPA2 with a password (PSK)</option>
              <option value="sae">WPA3 with a password (SAE)</option>
              <option value="none">Open network</option>
            </select>
          </label>
          <label className="checkbox-label">
            <input type="checkbox" checked={hidden} onChange={(e) => update({ wifiHidden: e.target.checked })} /> Hidden network
          </label>
        </div>
        {security !== 'none' && <TextField name="wifiPsk" label="Passphrase" type="password" />}
      </fieldset>
    </div>
  );
}
