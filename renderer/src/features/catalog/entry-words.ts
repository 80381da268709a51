/**
 * A catalog entry in plain words, as a person choosing an image reads it: what it is, for which
 * board, how big the download is, how much room it takes on the card and when it was released.
 * Only what is known is said: an unknown size or date is left out, never printed as "unknown".
 */
import type { Board } from '../../../../shared/domain/board';
import type { CatalogEntry } from '../../../../shared/domain/catalog';
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
