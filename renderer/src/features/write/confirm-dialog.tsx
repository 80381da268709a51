/**
 * The last stop before erasing: a modal that names every drive (name, path, size), and asks for
 * an explicit "write anyway" when the cards would have no login, and an explicit "unmount" when a
 * drive is mounted (the core refuses a mounted drive without it). The safe button has the focus,
 * so Enter alone never erases a card. With "Erase the old data first" off it does not say "erase":
 * the image is written over the drives and their old data stays in the free space, which it says.
 */
import { useEffect, useRef, useState } from 'react';
import type { Drive } from '../../../../shared/domain/drive';
import { driveSizeWords } from '../../format';
import { NoLoginConfirm, useNoLogin } from '../provisioning';

interface ConfirmDialogProps {
  drives: Drive[];
  imageName: string;
  /** The Write step's "Erase the old data first": off, the old data is written over, not erased. */
  discard: boolean;
  /** `unmountConfirmed`: the person ticked the box to unmount the mounted drives. */
  onConfirm(unmountConfirmed: boolean): void;
  onCancel(): void;
}

export function ConfirmDialog({ drives, imageName, discard, onConfirm, onCancel }: ConfirmDialogProps) {
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

  const them = drives.length === 1 ? 'this drive' : `these ${drives.length} drives`;
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="confirm-title" onCancel={onCancel} data-testid="confirm-dialog">
      <h2 id="confirm-title">{discard ? `Erase ${them}?` : `Write over ${them}?`}</h2>
      <p>
        Everything on {drives.length === 1 ? 'it' : 'them'} will be replaced by <strong>{imageName}</strong>.
      </p>
      {!discard && (
        <p className="drive-warning" data-testid="confirm-not-erased">
          The old data is not erased first (you turned that off): what the image does not cover stays readable in the free space.
        </p>
      )}
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
          {discard ? 'Erase and write' : 'Write over it'}
        </button>
      </div>
    </dialog>
  );
}
