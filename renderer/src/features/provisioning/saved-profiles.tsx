/** Saved first-boot settings: load a set, save the form under a name, delete, import a shared file, export. */
import { useEffect, useState } from 'react';
import { profileStore, useProfile } from '../../stores';
import { WhatIsThis } from '../../components/what-is-this';

function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}

export function SavedProfiles() {
  const saved = useProfile((s) => s.saved);
  const [selected, setSelected] = useState('');
  const [name, setName] = useState('');
  const store = profileStore.getState();
  useEffect(() => {
    void profileStore.getState().loadSaved();
  }, []);

  const exportSelected = async () => {
    const file = await store.exportProfile(selected);
    if (file) download(file.fileName, file.text);
  };

  return (
    <div className="saved-profiles" data-testid="saved-profiles">
      <div className="row">
        <label className="inline-label">
          Saved settings
          <select value={selected} onChange={(e) => setSelected(e.target.value)} data-testid="saved-profile-select">
            <option value="">{saved.length ? 'Choose…' : 'None saved yet'}</option>
            {saved.map((p) => <option key={p.name} value={p.name}>{p.name}</option>)}
          </select>
        </label>
        <WhatIsThis term="firstBootSettings" />
        <button type="button" className="button" disabled={!selected} onClick={() => store.use(selected)} data-testid="saved-profile-load">Load</button>
        <button type="button" className="button" disabled={!selected} onClick={() => void exportSelected()}>Export…</button>
        <button type="button" className="button" disabled={!selected} onClick={() => void store.remove(selected).then(() => setSelected(''))}>Delete</button>
        <label className="button file-button">
          Import…
          <input type="file" accept=".json,application/json" className="visually-hidden" data-testid="profile-import-file"
            onChange={(e) => void e.target.files?.[0]?.text().then((text) => store.importText(text))} />
        </label>
      </div>
      <div className="row">
        <label className="inline-label">
          Save these settings as
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Lab Raspberry Pis" data-testid="profile-save-name" />
        </label>
        <button type="button" className="button" disabled={!name.trim()} data-testid="profile-save"
          onClick={() => void store.save(name.trim()).then((ok) => ok && setSelected(name.trim()))}>Save</button>
      </div>
    </div>
  );
}
