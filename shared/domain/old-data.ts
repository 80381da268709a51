/**
 * What became of a card's old contents when it was written. Before an image goes on, the writer
 * discards the whole card where it can (electron/writer/discard-card.ts), so nothing from its
 * last use (another site's Wi-Fi passphrase on a reused fleet card) survives in the new
 * filesystems' free space or past the image's end. Where it cannot, the result says so: old data
 * may remain, which is never a failure of the write.
 */
import { z } from 'zod';

/**
 * Why the old contents were not discarded: `turned-off` by the person for this run (--no-discard);
 * `unsupported` by the card or its reader; `no-tool`: the program that asks for it is missing;
 * `failed`: the card refused or stopped part way; `still-readable`: the card took the discard but
 * still returns old data; `other-system`: discarding is done on Linux only.
 */
export const keptReasonSchema = z.enum(['turned-off', 'unsupported', 'no-tool', 'failed', 'still-readable', 'other-system']);
export type KeptReason = z.infer<typeof keptReasonSchema>;

export const oldDataSchema = z.discriminatedUnion('discarded', [
  z.object({ discarded: z.literal(true) }),
  z.object({
    discarded: z.literal(false),
    reason: keptReasonSchema,
    /** The tool's or the system's own words, for `no-tool` and `failed`. */
    detail: z.string().max(300).optional(),
  }),
]);
export type OldData = z.infer<typeof oldDataSchema>;

const MAY_REMAIN = 'Old data may remain in this card’s free space';

const reasonWords: Record<KeptReason, string> = {
  'turned-off': 'discarding it first was turned off for this run',
  unsupported: 'it cannot erase it quickly (the card or its reader does not take a discard)',
  'no-tool': 'it cannot erase it quickly here',
  failed: 'discarding it first did not succeed',
  'still-readable': 'it cannot erase it quickly (the card took the discard but still returns its old data)',
  'other-system': 'it cannot erase it quickly on this system (discarding is done on Linux only)',
};

/** The reason in a few words, for a column: a row that only said "may remain" lost why (and so whether to worry). */
const shortReasonWords: Record<KeptReason, string> = {
  'turned-off': 'erasing was turned off',
  unsupported: 'the card cannot erase quickly',
  'no-tool': 'no erase tool here',
  failed: 'erasing failed',
  'still-readable': 'the card kept it after erasing',
  'other-system': 'erased on Linux only',
};

/** A few words for a column (History, the batch sheet): whether the card's old contents are gone, and if not why. */
export function oldDataShortWords(oldData: OldData): string {
  return oldData.discarded ? 'old data erased' : `old data may remain in free space (${shortReasonWords[oldData.reason]})`;
}

/** The value a spreadsheet column holds: `erased`, or `kept: ` and why (turned-off, unsupported…). */
export function oldDataCsvField(oldData: OldData | undefined): string {
  if (!oldData) return '';
  return oldData.discarded ? 'erased' : `kept: ${oldData.reason}`;
}

/** One sentence for the result, the CLI and the station tile. */
export function oldDataWords(oldData: OldData): string {
  if (oldData.discarded) return 'Its old contents were discarded before writing: nothing from its last use is left in its free space.';
  const detail = oldData.detail ? ` (${oldData.detail.replace(/[\s.]+$/, '')})` : '';
  return `${MAY_REMAIN}: ${reasonWords[oldData.reason]}${detail}.`;
}
