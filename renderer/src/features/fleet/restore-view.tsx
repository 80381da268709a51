/**
 * "Restore to an empty drive": one partition, FAT32 up to 32 GiB and exFAT above, labelled as the
 * user asks, so a card goes back to normal use. System drives are not offered and are refused by
 * the core anyway; the erase is confirmed by name first.
 */
import { useState } from 'react';
import { oldDataWords } from '../../../../shared/domain/old-data';
import { ErrorNotice } from '../../components/error-notice';
import { driveSizeWords } from '../../format';
import { allDrives } from '../drives/drives-store';
import { restoreStore, useDrives, useRestore } from '../../stores';
import { useShallow } from 'zustand/react/shallow';

export function RestoreView() {
  const drives = useDrives(useShallow((s) => allDrives(s).filter((d) => d.kind !== 'file' && !d.isSystem)));
  const device = useRestore((s) => s.device);
  const label = useRestore((s) => s.label);
  const running = useRestore((s) => s.running);
  const result = useRestore((s) => s.result);
  const error = useRestore((s) => s.error);
  const [confirming, setConfirming] = useState(false);
  const chosen = drives.find((d) => d.device === device);
  const store = restoreStore.getState();

  return (
    <div className="stack" data-testid="restore-view">
      <p className="panel-lead">Erase a card and leave one empty partition (FAT32 up to 32 GiB, exFAT above) for cameras, computers and phones.</p>
      {drives.length === 0 && <p className="empty">No card is connected. Insert one, or add a device by path in the Drives step.</p>}
      <fieldset className="choice-group">
        <legend>Card</legend>
        {drives.map((d) => (
          <label key={d.device} className="choice" data-testid="restore-drive">
            <input type="radio" name="restore-drive" checked={device === d.device} onChange={() => { store.choose(d.device); setConfirming(false); }} />
            {d.description || d.device} <span className="mono muted">{d.device}</span> <span className="muted">{driveSizeWords(d)}</span>
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>Name the card shows when plugged in (its label)</span>
        <input value={label} maxLength={15} onChange={(e) => store.setLabel(e.target.value)} data-testid="restore-label" />
      </label>
      {!confirming ? (
        <div className="row">
          <button type="button" className="button primary" disabled={!chosen || running} onClick={() => setConfirming(true)} aria-describedby={chosen ? undefined : 'restore-why'} data-testid="restore-button">Restore to an empty drive</button>
          {/* A disabled button says why, beside it. */}
          {!chosen && !running && <span id="restore-why" className="muted small restore-why" data-testid="restore-why">{drives.length ? 'Choose the card to erase above first.' : 'Insert a card first.'}</span>}
        </div>
      ) : (
        <div className="drive-warning stack" role="alert" data-testid="restore-confirm">
          <p>Everything on <strong>{chosen?.description || device}</strong> <span className="mono">{device}</span> will be erased.</p>
          {chosen && chosen.mountpoints.length > 0 && <p data-testid="restore-unmount">It is open at {chosen.mountpoints.join(', ')}: it is unmounted first, and files still open there are lost.</p>}
          <div className="row">
            <button type="button" className="button" onClick={() => setConfirming(false)}>Cancel</button>
            <button type="button" className="button danger" disabled={running} onClick={() => { setConfirming(false); void store.restore(Boolean(chosen?.mountpoints.length)); }} data-testid="restore-erase">Erase and restore</button>
          </div>
        </div>
      )}
      {running && <p role="status">Restoring…</p>}
      {result && <p className="result-banner result-ok" role="status" data-testid="restore-result">{result.device} is an empty {result.filesystem === 'fat32' ? 'FAT32' : 'exFAT'} drive labelled “{result.label}”.</p>}
      {result?.oldData && <p className={result.oldData.discarded ? 'muted' : 'drive-warning'} data-testid="restore-old-data">{oldDataWords(result.oldData)}</p>}
      {error && <ErrorNotice error={error} testId="restore-error" />}
    </div>
  );
}
