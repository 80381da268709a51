/**
 * Advanced: a target the drive list cannot show, named by path: a loop device, or a new image file
 * in a folder the core granted (the desktop's save dialog, a station's images folder). The core
 * resolves it and applies the same rules.
 */
import { useState, type FormEvent } from 'react';
import { drivesStore, useDrives } from '../../stores';
import { ErrorNotice } from '../../components/error-notice';
import { PathField } from '../../components/path-field';

export function AddTarget() {
  const addError = useDrives((s) => s.addError);
  const canSaveAs = useDrives((s) => s.canSaveAs);
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    if (await drivesStore.getState().addByPath(path)) setPath('');
    setBusy(false);
  };

  return (
    <details className="advanced" data-testid="add-target">
      <summary>Add a device or image file by path…</summary>
      <form className="path-row" onSubmit={(event) => void submit(event)}>
        <PathField
          id="add-target-path"
          label="Device or image file path"
          placeholder="e.g. /dev/loop3, or …/new-card.img"
          value={path}
          onChange={setPath}
          testId="add-target-input"
        />
        <button type="submit" className="button" disabled={busy} data-testid="add-target-button">
          Add
        </button>
        {canSaveAs && (
          <button type="button" className="button" onClick={() => void drivesStore.getState().saveAs()} data-testid="save-as-button">
            Save as image file…
          </button>
        )}
      </form>
      <p className="muted small">Loop devices are not listed by the system. An image file is created new; only an image file can be replaced, never any other file.</p>
      {addError && <ErrorNotice error={addError} testId="add-target-error" />}
    </details>
  );
}
