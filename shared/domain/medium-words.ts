/**
 * What the app calls the thing it writes, for the board chosen: a Raspberry Pi or another Arm
 * board starts from a card, a PC from a USB stick. In shared/ because the core's refusals (a card
 * too small) speak of it as the app's views do.
 */
import type { Board } from './board';

export type DeviceKind = 'pc' | 'raspberry-pi' | 'uefi-arm' | 'arm-board' | 'unknown';

export function deviceKind(board: Board | null): DeviceKind {
  if (!board) return 'unknown';
  if (board.arch === 'x86_64') return 'pc';
  if (board.id.startsWith('rpi')) return 'raspberry-pi';
  if (board.deliveries.includes('bootc-built-raw')) return 'uefi-arm';
  return 'arm-board';
}

/**
 * A UEFI Arm machine takes either a card or a stick, and with no board chosen the app cannot know.
 * Every view and refusal that names the medium takes its words from here.
 */
export interface MediumWords {
  /** "card", "USB stick" or "card or USB stick". */
  one: string;
  many: string;
}

/** A phrase as a heading or the start of a line: "card" as "Card", "USB stick" as it is. */
export function headingWord(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

export function mediumWords(board: Board | null): MediumWords {
  const kind = deviceKind(board);
  if (kind === 'pc') return { one: 'USB stick', many: 'USB sticks' };
  if (kind === 'raspberry-pi' || kind === 'arm-board') return { one: 'card', many: 'cards' };
  return { one: 'card or USB stick', many: 'cards or USB sticks' };
}
