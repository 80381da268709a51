/**
 * The flash's board check: the board named in the request against the image's architecture, before
 * anything is written. A catalog reference already says which architecture it fetched; any other
 * image is read (its ESP's EFI loader). An image that does not say is let through: only a sure
 * mismatch stops a write, and `ignoreBoard` lets the user say they know.
 */
import { archSchema, type Arch, type Board } from '../../../shared/domain/board';
import { boardMismatch, boardMismatchError } from '../../../shared/domain/board-fit';
import { parseCatalogRef } from '../../../shared/domain/catalog';
import { FiotError } from '../../../shared/errors';
import { loadBoards } from '../catalog/assets';
import type { SourceInfo } from '../image-source';
import { hasScheme } from '../image-source/resolve';
import { readSourceArch } from './source-arch';

/** The board a request names, or INVALID_INPUT saying where the ids are listed. */
export function findBoard(id: string, boards: Board[] = loadBoards()): Board {
  const board = boards.find((b) => b.id === id);
  if (!board) throw new FiotError('INVALID_INPUT', `There is no board “${id}”.`, 'Run fiot-flash boards to list board ids (rpi4, uefi-x86_64, …).');
  return board;
}

/** The architecture a catalog reference (`fedora-iot:44@rpi4`, `…@x86_64`) fetches, or null for any other source. */
function catalogArch(ref: string, boards: Board[]): Arch | null {
  if (!hasScheme(ref) || /^https?:/i.test(ref)) return null;
  let named: string;
  try {
    named = parseCatalogRef(ref).board;
  } catch {
    return null;
  }
  const arch = archSchema.safeParse(named);
  return arch.success ? arch.data : (boards.find((b) => b.id === named)?.arch ?? null);
}

export interface BoardCheck {
  /** The request's source as the person named it. */
  ref: string;
  source: SourceInfo;
  boardId: string;
  /** How to write anyway, in the words of the front end that asked. */
  overrideWords: string;
}

function refuseMismatch(board: Board, arch: Arch | null | undefined, overrideWords: string): void {
  const mismatch = arch ? boardMismatch(board, arch) : null;
  if (mismatch) throw boardMismatchError(mismatch, overrideWords);
}

/** Throws IMAGE_BOARD_MISMATCH when the image surely does not fit the board. */
export async function checkBoardFit(check: BoardCheck): Promise<void> {
  const boards = loadBoards();
  const board = findBoard(check.boardId, boards);
  refuseMismatch(board, catalogArch(check.ref, boards) ?? (await readSourceArch(check.source))?.arch, check.overrideWords);
}

/**
 * The board check of an image not downloaded yet: a catalog reference answers now (throws
 * IMAGE_BOARD_MISMATCH); any other image can only answer once its bytes are there, so this returns
 * what the writer checks then (electron/writer/image-checks.ts), or null when nothing is left to check.
 */
export function boardFitOfDownload(check: Omit<BoardCheck, 'source'>): { board: Board; overrideWords: string } | null {
  const boards = loadBoards();
  const board = findBoard(check.boardId, boards);
  const arch = catalogArch(check.ref, boards);
  refuseMismatch(board, arch, check.overrideWords);
  return arch ? null : { board, overrideWords: check.overrideWords };
}
