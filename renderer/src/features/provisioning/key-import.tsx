/**
 * Ways to add SSH keys without copying and pasting: the user's own ~/.ssh/*.pub in one click (the
 * desktop app only: in a station the browser may be on another computer), a .pub file, or a
 * GitHub-style https://…/user.keys address the core fetches and checks line by line.
 */
import { useState, type FormEvent } from 'react';
import { holdsPrivateKey, PRIVATE_KEY_WORDS } from '../../../../shared/provisioning';
import { profileStore, useProfile } from '../../stores';

function KeyFileButton() {
  const addFiles = async (files: FileList | null) => {
    const read = await Promise.all([...(files ?? [])].map(async (file) => ({ name: file.name, text: await file.text() })));
    // A private key chosen by mistake never enters the form (nor a saved profile or draft).
    const secret = read.find((file) => holdsPrivateKey(file.text));
    const texts = read.filter((file) => !holdsPrivateKey(file.text)).map((file) => file.text.trim());
    const current = profileStore.getState().form.sshKeys.trim();
    profileStore.getState().update({ sshKeys: [current, ...texts].filter(Boolean).join('\n') });
    if (secret) profileStore.setState({ keysNotice: `Not added: ${secret.name} ${PRIVATE_KEY_WORDS}.` });
  };
  return (
    <label className="button file-button">
      Add from a .pub file…
      <input type="file" accept=".pub,text/plain" multiple className="visually-hidden" data-testid="profile-ssh-file" onChange={(e) => void addFiles(e.target.files)} />
    </label>
  );
}

function KeysUrlForm() {
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    if (await profileStore.getState().importKeysFromUrl(url)) setUrl('');
    setBusy(false);
  };
  return (
    <form className="path-row" onSubmit={(e) => void submit(e)}>
      <label htmlFor="keys-url" className="visually-hidden">Address of published SSH keys</label>
      <input id="keys-url" className="input mono" type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://github.com/your-name.keys" spellCheck={false} data-testid="keys-url" />
      <button type="submit" className="button" disabled={busy || !url.trim()} data-testid="keys-url-import">{busy ? 'Fetching…' : 'Import keys'}</button>
    </form>
  );
}

export function KeyImport() {
  const canReadLocalKeys = useProfile((s) => s.canReadLocalKeys);
  const notice = useProfile((s) => s.keysNotice);
  return (
    <div className="stack key-import">
      <div className="row">
        {canReadLocalKeys && (
          <button type="button" className="button" onClick={() => void profileStore.getState().importLocalKeys()} data-testid="keys-local">
            Use my SSH keys (~/.ssh)
          </button>
        )}
        <KeyFileButton />
      </div>
      <KeysUrlForm />
      {notice && <p className="muted small" role="status" data-testid="keys-notice">{notice}</p>}
    </div>
  );
}
