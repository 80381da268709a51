/**
 * Does an image fit the board it is written for? Its architecture (read from the image, or given
 * by the catalog entry) against the board's. The words are shared so the app, the station and the
 * CLI refuse a mismatch the same way, before anything is written.
 */
import { FiotError } from '../errors';
import type { Arch, Board } from './board';

/** Who an architecture's images are for, in a user's words. */
export const archAudience: Record<Arch, string> = {
  aarch64: '64-bit Arm boards (aarch64)',
  x86_64: 'PCs and other x86_64 machines',
};

/**
 * The architecture a file name says, as Fedora names its images (`…-43-20251024.0.aarch64.raw.xz`),
 * or null: a name is only a hint (the image itself is checked before writing), enough to not offer
 * a PC an Arm image from a list.
 */
export function archInName(name: string): Arch | null {
  const match = /(?:^|[._-])(aarch64|x86_64)(?=[._-]|$)/.exec(name);
  return match ? (match[1] as Arch) : null;
}

export interface BoardMismatch {
  board: Board;
  imageArch: Arch;
  message: string;
  hint: string;
}

/** Null when the image's architecture is the board's; else what to tell the user. */
export function boardMismatch(board: Board, imageArch: Arch): BoardMismatch | null {
  if (board.arch === imageArch) return null;
  return {
    board,
    imageArch,
    message: `This image is for ${archAudience[imageArch]}; the ${board.name} you chose needs an ${board.arch} image, so it would not start from this card.`,
    hint: `Choose the ${board.arch} image of the release (the Fedora IoT list shows what fits this board), or choose the board this image is for.`,
  };
}

/** The refusal a flash gives; `overrideWords` says how to write anyway in the caller's terms. */
export function boardMismatchError(mismatch: BoardMismatch, overrideWords: string): FiotError {
  return new FiotError('IMAGE_BOARD_MISMATCH', mismatch.message, `${mismatch.hint} If you know better, write it anyway: ${overrideWords}.`);
}
