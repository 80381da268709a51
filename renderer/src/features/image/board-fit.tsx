/**
 * At the image step, not at the end: which machines the chosen image is for, and whether it fits
 * the board chosen in the Fedora IoT tab. A mismatch stops the step with what to do, and a visible
 * way to write it anyway (the flash then asks the core to skip its own check).
 */
import { archAudience, boardMismatch, type BoardMismatch } from '../../../../shared/domain/board-fit';
import { ErrorNotice } from '../../components/error-notice';
import { imageStore, useCatalog, useImage } from '../../stores';

/** The mismatch between the chosen image and board, or null when they fit or either is unknown. */
export function useBoardMismatch(): BoardMismatch | null {
  const board = useCatalog((s) => s.boards.find((b) => b.id === s.boardId) ?? null);
  const arch = useImage((s) => s.arch?.arch ?? null);
  return board && arch ? boardMismatch(board, arch) : null;
}

/** The "For" line of the chosen image's facts. */
export function ImageArchFact() {
  const arch = useImage((s) => s.arch);
  const words = arch === undefined ? 'reading the image…' : arch.arch ? archAudience[arch.arch] : 'the image does not say';
  return (
    <div>
      <dt>For</dt>
      <dd data-testid="image-arch" data-arch={arch?.arch ?? ''}>{words}</dd>
    </div>
  );
}

export function BoardFitNotice() {
  const mismatch = useBoardMismatch();
  const ignored = useImage((s) => s.ignoreBoard);
  if (!mismatch) return null;
  const setIgnore = (ignore: boolean) => imageStore.getState().setIgnoreBoard(ignore);
  if (ignored) {
    return (
      <p className="drive-warning" data-testid="board-mismatch-ignored">
        Writing this {mismatch.imageArch} image for the {mismatch.board.name} anyway, as you asked: it will not start there unless you know better.{' '}
        <button type="button" className="link-button" onClick={() => setIgnore(false)}>
          Undo
        </button>
      </p>
    );
  }
  return (
    <ErrorNotice error={{ code: 'IMAGE_BOARD_MISMATCH', message: mismatch.message, hint: mismatch.hint }} testId="board-mismatch">
      <button type="button" className="button" onClick={() => setIgnore(true)} data-testid="board-mismatch-override">
        Write it anyway
      </button>
    </ErrorNotice>
  );
}
