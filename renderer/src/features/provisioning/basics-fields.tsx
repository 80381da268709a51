/**
 * The common things, short: hostname (with the names the next cards get), a user with a
 * password and SSH keys (pasted, from a .pub file, ~/.ssh or a keys URL), and Wi-Fi.
 */
import { useEffect, useState } from 'react';
import { FieldErrors, RevealButton, TextField, useFieldProblems } from './field';
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

/** Where a typed password stands: set only when typed twice alike; a mismatch is said once the second is left. */
function pendingOf(password: string, again: string, againLeft: boolean): 'unconfirmed' | 'mismatch' | null {
  if (!password && !again) return null;
  if (password === again) return null;
  return againLeft && again ? 'mismatch' : 'unconfirmed';
}

/**
 * The password is typed twice, then set: one typo in a hidden field would lock the user out of the
 * card. The hash is made as soon as both fields hold the same text (no "Set" button to forget) and
 * both are emptied; only the hash is kept. While they differ, Continue waits and says why.
 */
function PasswordField() {
  const [password, setPasswordText] = useState('');
  const [again, setAgain] = useState('');
  const [againLeft, setAgainLeft] = useState(false);
  const [shown, setShown] = useState(false);
  const hash = useProfile((s) => s.form.passwordHash);
  const problems = useFieldProblems('passwordHash');
  const pending = pendingOf(password, again, againLeft);
  const change = (nextPassword: string, nextAgain: string) => {
    setPasswordText(nextPassword);
    setAgain(nextAgain);
    if (nextPassword && nextPassword === nextAgain) {
      void profileStore.getState().setPassword(nextPassword);
      setPasswordText('');
      setAgain('');
      setAgainLeft(false);
    }
  };
  useEffect(() => profileStore.getState().setPasswordPending(pending), [pending]);
  // Leaving the step (or turning setup off) drops a half-typed password: nothing of it is kept.
  useEffect(() => () => profileStore.getState().setPasswordPending(null), []);
  const type = shown ? 'text' : 'password';
  return (
    <div className={`field${pending === 'mismatch' ? ' field-invalid' : ''}`}>
      <label htmlFor="profile-password">Password (optional)</label>
      <div className="row">
        <input id="profile-password" type={type} autoComplete="new-password" value={password} data-testid="profile-password" aria-describedby="profile-password-hint"
          placeholder={hash ? 'Set: type to replace it' : 'Type a password'} spellCheck={false}
          onChange={(e) => change(e.target.value, again)} />
        <RevealButton shown={shown} onToggle={() => setShown(!shown)} what="password" testId="profile-password-show" />
        {hash && <button type="button" className="button" onClick={() => profileStore.getState().update({ passwordHash: '' })} data-testid="profile-password-clear">Remove password</button>}
      </div>
      {(password || again) && (
        <>
          <label htmlFor="profile-password-again">Type it again</label>
          <input id="profile-password-again" type={type} autoComplete="new-password" value={again} data-testid="profile-password-again" spellCheck={false}
            aria-invalid={pending === 'mismatch'} aria-describedby="profile-password-hint profile-password-mismatch"
            onChange={(e) => {
              setAgainLeft(false);
              change(password, e.target.value);
            }} onBlur={() => setAgainLeft(true)} onKeyDown={(e) => e.key === 'Enter' && setAgainLeft(true)} />
        </>
      )}
      <p id="profile-password-hint" className="field-hint" data-testid="profile-password-state">
        {hash && !pending ? 'Password set: only a one-way scrambled form of it (a sha512-crypt hash) is kept and written.' : 'Set once typed the same in both fields; the password itself is never stored or written.'}
      </p>
      {pending === 'mismatch' && (
        <ul id="profile-password-mismatch" className="field-errors" role="alert" data-testid="profile-password-mismatch">
          <li>The two passwords differ: type the same one in both fields.</li>
        </ul>
      )}
      <FieldErrors messages={problems} field="passwordHash" />
    </div>
  );
}

/**
 * A name typed as a person says it ("old laptop", "Kitchen_Pi") is offered as a hostname in one
 * click: spaces and underscores become hyphens, letters lower case. Only offered when that is valid.
 */
export function hostnameFix(typed: string): string | null {
  const fixed = typed.trim().toLowerCase().replace(/[\s_]+/g, '-').replace(/-+/g, '-');
  if (fixed === typed.trim() || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(fixed.replace(/\{n(:\d+)?\}/g, '0'))) return null;
  return fixed;
}

function HostnameFix() {
  const typed = useProfile((s) => s.form.hostname);
  const fixed = hostnameFix(typed);
  if (!fixed) return null;
  return (
    <button type="button" className="button small fix-button" onClick={() => profileStore.getState().update({ hostname: fixed })} data-testid="hostname-fix">
      Use {fixed}
    </button>
  );
}

/** The draft keeps no passphrase (see shell/draft.ts): after a reload its empty field asks again, calmly. */
function usePassphraseNote(): string | undefined {
  return useProfile((s) => (s.pskNotKept ? 'Type the passphrase again (it is not kept).' : undefined));
}

export function BasicsFields() {
  const passphraseNote = usePassphraseNote();
  const security = useProfile((s) => s.form.wifiSecurity);
  const hidden = useProfile((s) => s.form.wifiHidden);
  const update = profileStore.getState().update;
  return (
    <div className="stack">
      <fieldset className="form-group">
        <legend>Name</legend>
        <TextField name="hostname" label="Hostname" placeholder="sensor-{n:03}" fix={<HostnameFix />}
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
        {security !== 'none' && <TextField name="wifiPsk" label="Passphrase" type="password" emptyNote={passphraseNote} />}
      </fieldset>
    </div>
  );
}
