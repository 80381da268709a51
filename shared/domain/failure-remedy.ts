/**
 * What fixes a failed write, decided from its error code alone, so the app's result, the card
 * bench's tiles and any other view offer the same next step. A retry writes the same image to
 * the same card with the same settings: it helps only where the failure came from the moment (a
 * card pulled out, a flaky reader, the network, a cancel), never where it came from the image, the
 * card's size or the first-boot settings, which a retry would meet again.
 */
import { isErrorCode, type ErrorCode } from '../errors';

/**
 * `retry`: write it again as it was; `image`: choose another image; `card`: use another card
 * (larger, unlocked, not the system's); `first-boot`: change the first-boot settings.
 */
export type FailureRemedy = 'retry' | 'image' | 'card' | 'first-boot';

const remedies: Partial<Record<ErrorCode, FailureRemedy>> = {
  SOURCE_NOT_FOUND: 'image',
  SOURCE_UNREADABLE: 'image',
  SOURCE_UNKNOWN_FORMAT: 'image',
  SOURCE_CORRUPT: 'image',
  CHECKSUM_MISMATCH: 'image',
  SIGNATURE_INVALID: 'image',
  SIGNATURE_MISSING: 'image',
  CHECKSUM_UNLISTED: 'image',
  SHA256_MISSING: 'image',
  // The image lacks what first boot needs: another image, or the same one without the setup.
  NOT_FEDORA_IOT: 'image',
  IMAGE_BOARD_MISMATCH: 'image',
  ZEZERE_UNSUPPORTED: 'first-boot',
  CONFIG_TOO_LARGE: 'first-boot',
  TABLE_EXHAUSTED: 'first-boot',
  DUPLICATE_HOSTNAME: 'first-boot',
  INVALID_INPUT: 'first-boot',
  TARGET_TOO_SMALL: 'card',
  TARGET_SYSTEM: 'card',
  TARGET_READ_ONLY: 'card',
  TARGET_IS_SOURCE: 'card',
  // A card that wrote or read back wrong once may do it again: a retry is worth one try.
  TARGET_COUNTERFEIT: 'retry',
  VERIFY_FAILED: 'retry',
  WRITE_FAILED: 'retry',
};

/** What fixes a failure with this code; a code this version does not know, or a passing trouble, is retried. */
export function failureRemedy(code: string | undefined): FailureRemedy {
  if (code === undefined || !isErrorCode(code)) return 'retry';
  return remedies[code] ?? 'retry';
}

/** Whether writing the same card again as it was can succeed where it failed. */
export function retryCanHelp(code: string | undefined): boolean {
  return failureRemedy(code) === 'retry';
}

/**
 * The one remedy for several failed cards: the first that is not a retry (a retry would meet it
 * again), else a retry.
 */
export function remedyForAll(codes: Array<string | undefined>): FailureRemedy {
  return codes.map(failureRemedy).find((remedy) => remedy !== 'retry') ?? 'retry';
}
