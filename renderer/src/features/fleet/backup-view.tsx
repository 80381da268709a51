/**
 * "Save a card as an image": a golden card set up by hand becomes an image to write to other
 * cards. Only the blocks its filesystems use are read; the card itself is only read. Clearing the
 * machine ID and SSH host keys in the copy (on by default) lets each clone make its own.
 */
import { useShallow } from 'zustand/react/shallow';
import { ErrorNotice } from '../../components/error-notice';
import { driveSizeWords, formatDuration, formatSize } from '../../format';
import { allDrives } from '../drives/drives-store';
import { backupStore, useBackup, useDrives } from '../../stores';

export function BackupView() {
  const drives = useDrives(useShallow((s) => allDrives(s).filter((d) => d.kind !== 'file' && !d.isSystem)));
  const desktop = useBackup((s) => s.desktop);
  const { device, output, clearIdentity, running, result, error } = useBackup(useShallow((s) => ({ device: s.device, output: s.output, clearIdentity: s.clearIdentity, running: s.running, result: s.result, error: s.error })));
  const store = backupStore.getState();
  return (
    <div className="stack" data-testid="backup-view">
      <p className="panel-lead">Save a card you set up by hand as an image, to write onto other cards. Only the blocks its filesystems use are read; the card is not changed.</p>
      {drives.length === 0 && <p className="empty">No card is connected. Insert one, or add a device by path in the Drives step.</p>}
      <fieldset className="choice-group">
        <legend>Card</legend>
        {drives.map((d) => (
          <label key={d.device} className="choice" data-testid="backup-drive">
            <input type="radio" name="backup-drive" checked={device === d.device} onChange={() => store.choose(d.device)} />
            {d.description || d.device} <span className="mono muted">{d.device}</span> <span className="muted">{driveSizeWords(d)}</span>
          </label>
        ))}
      </fieldset>
      {desktop ? (
        <div className="row">
          <button type="button" className="button" onClick={() => void store.chooseFile()} data-testid="backup-choose-file">Save as…</button>
          <span className="mono">{output || 'no file chosen (name it like golden.raw.xz)'}</span>
        </div>
      ) : (
        <label className="field">
          <span>File name in the station’s images folder</span>
          <input className="mono" value={output} onChange={(e) => store.setOutput(e.target.value)} data-testid="backup-name" />
        </label>
      )}
      <label className="checkbox-label">
        <input type="checkbox" checked={clearIdentity} onChange={(e) => store.setClearIdentity(e.target.checked)} data-testid="backup-clear-identity" />
        Clear the machine ID and SSH host keys in the copy, so each card written from it makes its own
      </label>
      <div><button type="button" className="button primary" disabled={!device || !output.trim() || running} onClick={() => void store.save()} data-testid="backup-button">Save the card as an image</button></div>
      {running && <p role="status">Reading the card and compressing… (a minute or so)</p>}
      {result && (
        <p className="result-banner result-ok" role="status" data-testid="backup-result">
          <span>
            Saved {result.device} as <code>{result.output}</code>: a {formatSize(result.imageSize)} image, {formatSize(result.fileBytes)} compressed, in {formatDuration(result.durationMs)}.
            {clearIdentity && ` ${result.cleared.length ? `Cleared: ${result.cleared.length} file${result.cleared.length === 1 ? '' : 's'}.` : 'No machine ID or host key was found to clear.'}`}
          </span>
        </p>
      )}
      {error && <ErrorNotice error={error} testId="backup-error" />}
    </div>
  );
}
