/**
 * The last stop before erasing: a modal that names every drive (name, path, size), and asks for
 * an explicit "write anyway" when the cards would have no login, and an explicit "unmount" when a
 * drive is mounted (the core refuses a mounted drive without it). The safe button has the focus,
 * so Enter alone never erases a card.
 */
import { useEffect, useRef, useState } from 'react';
import type { Drive } from '../../../../shared/domain/drive';
import { driveSizeWords } from '../../format';
import { NoLoginConfirm, useNoLogin } from '../provisioning';

interface ConfirmDialogProps {
  drives: Drive[];
  imageName: string;
  /** `unmountConfirmed`: the person ticked the box to unmount the mounted drives. */
  onConfirm(unmountConfirmed: boolean): void;
  onCancel(): void;
}

export function ConfirmDialog({ drives, imageName, onConfirm, onCancel }: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const noLogin = useNoLogin();
  const [loginlessAccepted, setLoginlessAccepted] = useState(false);
  const mounted = drives.filter((drive) => drive.mountpoints.length > 0);
  const [unmountAccepted, setUnmountAccepted] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    element.showModal();
    cancelButton.current?.focus();
    return () => element.close();
  }, []);

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="confirm-title" onCancel={onCancel} data-testid="confirm-dialog">
      <h2 id="confirm-title">Erase {drives.length === 1 ? 'this drive' : `these ${drives.length} drives`}?</h2>
      <p>
        Everything on {drives.length === 1 ? 'it' : 'them'} will be replaced by <strong>{imageName}</strong>.
      </p>
      <ul className="confirm-list">
        {drives.map((drive) => (
          <li key={drive.device}>
            <strong>{drive.description || drive.device}</strong> <span className="mono">{drive.device}</span> <span className="muted">{driveSizeWords(drive)}</span>
          </li>
        ))}
      </ul>
      {noLogin && <NoLoginConfirm accepted={loginlessAccepted} onChange={setLoginlessAccepted} onLeave={onCancel} />}
      {mounted.length > 0 && (
        <label className="checkbox-label">
          <input type="checkbox" checked={unmountAccepted} onChange={(e) => setUnmountAccepted(e.target.checked)} data-testid="confirm-unmount" />
          Unmount {mounted.map((drive) => `${drive.device} (open at ${drive.mountpoints.join(', ')})`).join(' and ')} first: files still open there are lost.
        </label>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" ref={cancelButton} onClick={onCancel} data-testid="confirm-cancel">
          Cancel
        </button>
        <button type="button" className="button danger" onClick={() => onConfirm(mounted.length > 0 && unmountAccepted)} disabled={(noLogin && !loginlessAccepted) || (mounted.length > 0 && !unmountAccepted)} data-testid="confirm-write">
          Erase and write
        </button>
      </div>
    </dialog>
  );
}
