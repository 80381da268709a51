/**
 * A catalog entry in plain words, as a person choosing an image reads it: what it is, for which
 * board, how big the download is, how much room it takes on the card and when it was released.
 * Only what is known is said: an unknown size or date is left out, never printed as "unknown".
 */
import type { Board } from '../../../../shared/domain/board';
import type { CatalogEntry } from '../../../../shared/domain/catalog';
import type { Drive } from '../../../../shared/domain/drive';
import { isSystemDrive, isTooSmall } from '../../../../shared/drive-constraints';
import { formatSize } from '../../format';

export function entryTitle(entry: CatalogEntry, board: Pick<Board, 'name'>): string {
  if (entry.kind === 'raw-image') return `Fedora IoT ${entry.version} for ${board.name}`;
  return `${entry.variant} ${entry.version} container`;
}

export function entryFacts(entry: CatalogEntry): string {
  const facts = [
    entry.kind === 'bootc-container' ? entry.reference : undefined,
    entry.size === null ? undefined : `${formatSize(entry.size)} download`,
    entry.imageSize === null ? undefined : `${formatSize(entry.imageSize)} on the card`,
    entry.date === null ? undefined : `released ${entry.date}`,
  ];
  return facts.filter(Boolean).join(' · ');
}

/** What a chosen raw image needs of the card; `tooSmall` when no card in this computer is that large. */
export interface CardFit {
  words: string;
  tooSmall: boolean;
}

/**
 * What a chosen raw image needs of the card, said while it downloads, so a card that is too small
 * is swapped now rather than found out at the drives step. `cards`: the drives listed now (system
 * drives never count: they are never written). Null when the size on the card is not known.
 */
export function cardFit(entry: Pick<CatalogEntry, 'imageSize'>, cards: Drive[]): CardFit | null {
  if (entry.imageSize === null) return null;
  const needs = `Needs a card of at least ${formatSize(entry.imageSize)}.`;
  const candidates = cards.filter((card) => !isSystemDrive(card));
  if (candidates.length === 0 || !candidates.every((card) => isTooSmall(card, entry.imageSize))) return { words: needs, tooSmall: false };
  const names = candidates.map((card) => `${card.description || card.device} (${formatSize(card.size)})`).join(', ');
  const verb = candidates.length === 1 ? 'is' : 'are';
  return { words: `${needs} ${names} ${verb} too small: insert a larger card while the image downloads.`, tooSmall: true };
}
