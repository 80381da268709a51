/**
 * A retry is for the same card: each target a retry names must still hold the card that failed,
 * known by its serial, model and size (a loop device's backing file stands in as its serial).
 * Another card in the same reader is never written without the user agreeing to erase it.
 */
import { cardWords, sameCard, type CardIdentity, type Drive } from '../../../shared/domain/drive';
import { FiotError } from '../../../shared/errors';
import { formatSize } from '../../../shared/format-size';
import { cardIdentity } from './device-identity';
import { resolveTarget } from './resolve-target';

export interface ExpectedCard {
  device: string;
  identity: CardIdentity;
}

/** Throws CARD_CHANGED, naming both cards, when a drive is not the expected card. */
export function checkSameCards(expected: ExpectedCard[], drives: Drive[]): void {
  for (const card of expected) {
    const drive = drives.find((d) => d.device === card.device);
    if (!drive) continue;
    const found = cardIdentity(drive);
    if (!sameCard(found, card.identity)) {
      throw new FiotError('CARD_CHANGED', `The card in ${card.device} is not the one that failed: that was ${cardWords(card.identity, formatSize)}; this is ${cardWords(found, formatSize)}. Nothing was written.`);
    }
  }
}

/** The same check before a job starts, so the question comes back at once and the result stays on screen. */
export async function checkSameCardsNow(expected: ExpectedCard[]): Promise<void> {
  checkSameCards(expected, await Promise.all(expected.map((card) => resolveTarget(card.device))));
}

/** Which card each device holds now; undefined for one that cannot be read (gone, or never a card). */
export async function cardsNow(devices: string[]): Promise<Array<CardIdentity | undefined>> {
  return Promise.all(devices.map((device) => resolveTarget(device).then(cardIdentity, () => undefined)));
}
