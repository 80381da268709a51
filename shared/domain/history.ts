import { z } from 'zod';
import { errorInfoSchema } from '../errors';
import { SHA256_HEX } from '../sha256';
import { cardCheckinSchema } from './checkin';
import { oldDataSchema } from './old-data';

/**
 * One card in the flash history: what went where, for field techs provisioning many cards. Never
 * holds a secret: no password hash, no Wi-Fi passphrase, no Ignition text, only names and a mode.
 */
export const historyResultSchema = z.enum(['verified', 'ok', 'failed', 'cancelled']);
export type HistoryResult = z.infer<typeof historyResultSchema>;

export const historyEntrySchema = z.object({
  /** When the job finished, ISO 8601 UTC. */
  time: z.string(),
  jobId: z.string(),
  /** The bench session the card was written in: one batch across its jobs. Absent: the job is the batch. */
  batchId: z.string().optional(),
  /** The card's number in its run (in its bench session, for a session's card) (1 for the first --drive), the `{n}` of hostname patterns before --counter-start. */
  card: z.number().int().positive(),
  source: z.object({
    /** As the user gave it: a path, an http(s) URL or a catalog reference. */
    given: z.string(),
    sha256: z.string().regex(SHA256_HEX).optional(),
    /** Fingerprint of the key that signed the image's CHECKSUM file. */
    signedBy: z.string().optional(),
    /** The user skipped the image's signature check (--insecure-skip-signature). */
    signatureSkipped: z.boolean().optional(),
  }),
  /** Decompressed image bytes; 0 when the job stopped before the image was read. */
  imageSize: z.number().nonnegative(),
  device: z.object({
    path: z.string(),
    description: z.string().optional(),
    size: z.number().nonnegative().nullable().optional(),
    kind: z.enum(['drive', 'loop', 'file']).optional(),
    /** From the system (sysfs); a loop device's backing file stands in as its serial. */
    model: z.string().optional(),
    serial: z.string().optional(),
  }),
  /** The name the card carries: recorded only for a card that was written to the end. */
  hostname: z.string().optional(),
  /** The name a card that stopped before the end was to carry (it does not carry it): which card a row is about. */
  plannedHostname: z.string().optional(),
  /** The device-table row (1 = first device; absent in records older than rows), the file's line, and the card's label. */
  tableRow: z.number().int().positive().optional(),
  tableLine: z.number().int().positive().optional(),
  label: z.string().optional(),
  /** The card's static address (A.B.C.D/N), when its provisioning gave it one. */
  ip: z.string().optional(),
  /** sha256 of the Ignition config text written to the card (the text itself may hold secrets). */
  configSha256: z.string().regex(SHA256_HEX).optional(),
  provisioning: z.object({
    mode: z.enum(['config', 'url', 'zezere', 'none']),
    users: z.array(z.string()),
  }),
  /** verified: written and read back; ok: written, verification skipped; failed; cancelled. */
  result: historyResultSchema,
  /** sha256 of the image's data as written, first-boot settings not included (shared/domain/written-digest.ts). */
  writtenSha256: z.string().regex(SHA256_HEX).optional(),
  /**
   * Whether the card's old contents were discarded before writing, or why they may remain in its
   * free space (absent for a card the job stopped at before its discard, and in older entries).
   */
  oldData: oldDataSchema.optional(),
  error: errorInfoSchema.optional(),
  durationMs: z.number().nonnegative(),
  /** Whether the device said it came up (check-in), joined from the check-in log when read. */
  checkin: cardCheckinSchema.optional(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/** How a list names the image: a path or URL by its file name (what a tech recognises), a catalog reference as it is. */
export function imageLabel(given: string): string {
  const name = given.replace(/[?#].*$/, '').split(/[\\/]/).filter(Boolean).at(-1);
  // A reference's scheme is 2+ letters and not followed by a slash, so C:\ paths are paths.
  return /^[a-z][a-z0-9+.-]+:[^/\\]/i.test(given) || !name ? given : name;
}

/** The batch an entry belongs to: its bench session, or else its job. Exports and the sheet group by it. */
export function batchOf(entry: Pick<HistoryEntry, 'jobId' | 'batchId'>): string {
  return entry.batchId ?? entry.jobId;
}

/**
 * The batch History shows first and `history --batch last` names: the newest card bench session
 * (the paperwork after a fleet day, even when a card was written by hand since), else the newest
 * job. `entries` are newest first.
 */
export function latestBatch(entries: ReadonlyArray<Pick<HistoryEntry, 'jobId' | 'batchId'>>): string | undefined {
  const session = entries.find((entry) => entry.batchId !== undefined);
  const newest = session ?? entries[0];
  return newest ? batchOf(newest) : undefined;
}
