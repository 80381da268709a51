/**
 * When a finished job's result stops standing for the next write. The result names the cards it
 * wrote; once the person changes what would be written (the image, the first-boot setup, the
 * cards) or comes back to the Write step, a card in a reader may be a new, blank one under the
 * same device name, and "The card is ready" would tell them to pull it. The result itself stays in
 * History.
 */
import type { Drive } from '../../../../shared/domain/drive';
import type { FlashResult } from '../../../../shared/domain/flash';

/**
 * Cards left to retry: "Retry failed cards" rewrites them with the values they were given, and it
 * checks that each is still the same card (asking before it erases another), so such a result
 * survives cards coming and going and a visit to another step. What it does not survive is a
 * change to what would be written.
 */
export function hasCardsToRetry(result: FlashResult | null): boolean {
  return result?.targets.some((t) => t.state === 'failed' || t.state === 'cancelled') ?? false;
}

/**
 * The cards present, as far as the list tells them apart: a device path, its size, and for a loop
 * device the file behind it. Not the description or mount points, which a write itself changes.
 */
export function cardsPresent(drives: Drive[]): string {
  return drives.map((d) => `${d.device}\u0000${d.size ?? ''}\u0000${d.backingFile ?? ''}`).sort().join('\n');
}
