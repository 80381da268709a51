/**
 * Offline, the catalog's image may already be in the images folder (same file name): the offer to
 * use it, among a failed download's ways on; then, under the chosen image, what checked it.
 */
import { useEffect, useRef } from 'react';
import type { FolderCopyCheck } from '../../../../shared/api/source';
import { ErrorNotice } from '../../components/error-notice';
import { folderCopyStore, imageStore, useDownloads, useFolderCopy, useImage } from '../../stores';
import { downloadFileName } from './folder-copy-store';

/**
 * The offer, among the ways on (a wrapping row of buttons). While the copy is checked, and when it
 * is refused, the words come right under it, where the person just pressed.
 */
export function FolderCopyOffer() {
  const asked = useDownloads((s) => s.asked);
  const offered = useImage((s) => s.offered);
  const { status, copy: checked, error } = useFolderCopy((s) => s);
  const refusal = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (imageStore.getState().offered === null) void imageStore.getState().loadOffered();
  }, []);
  // Under the button just pressed, maybe below the panel's fold: brought into view.
  useEffect(() => {
    refusal.current?.scrollIntoView({ block: 'nearest' });
  }, [error]);
  const name = asked ? downloadFileName(asked.source) : null;
  const copy = name ? offered?.images.find((image) => image.name === name) : undefined;
  if (!asked || !copy) return null;
  const mine = checked?.path === copy.path;
  return (
    <>
      <button type="button" className="button primary" disabled={status === 'checking'} onClick={() => void folderCopyStore.getState().use({ path: copy.path, name: copy.name }, asked.source)} data-testid="use-folder-copy">
        Use the copy in your images folder ({copy.name})
      </button>
      {mine && status === 'checking' && <p className="muted row-line" role="status" data-testid="folder-copy-checking">Checking {copy.name} before it is used…</p>}
      {mine && status === 'error' && error && (
        <div className="row-line" ref={refusal}>
          <ErrorNotice error={{ ...error, message: `Not used: ${error.message}` }} testId="folder-copy-error" />
        </div>
      )}
    </>
  );
}

function checkedWords(check: FolderCopyCheck): string {
  if (check.checkedBy === 'catalog-sha256') return 'Checked against the checksum (sha256) the catalog gives for it: they match. (No CHECKSUM file signed by Fedora lies beside it.)';
  return `Checked against the signed list of checksums beside it (${check.checksumFile}${check.signer ? `, signed by ${check.signer}` : ''}): they match.`;
}

/** Under the chosen image: that it is the catalog's image from the images folder, and what vouched for it. */
export function FolderCopyStatus() {
  const { status, copy, check } = useFolderCopy((s) => s);
  const chosen = useImage((s) => s.path);
  const note = useRef<HTMLParagraphElement>(null);
  // The offer it was chosen with has gone with the failed download's notice: the keyboard comes here.
  useEffect(() => {
    if (status === 'checked' && (!document.activeElement || document.activeElement === document.body)) note.current?.focus();
  }, [status, chosen]);
  if (status !== 'checked' || !check || copy?.path !== chosen) return null;
  return (
    <p className="small" role="status" tabIndex={-1} ref={note} data-testid="folder-copy-checked" data-checked-by={check.checkedBy}>
      The catalog’s image, from your images folder. {checkedWords(check)}
    </p>
  );
}
