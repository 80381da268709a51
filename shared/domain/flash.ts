import { z } from 'zod';
import { errorInfoSchema } from '../errors';
import { cardIdentitySchema } from './drive';
import { SHA256_HEX } from '../sha256';
import { counterValueSchema } from '../provisioning/counter';
import { checkinRequestSchema } from './checkin';
import { sourceTrustSchema } from './images';
import { downloadLeftSchema } from './download-left';
import { oldDataSchema } from './old-data';
import { onCardReportSchema } from './on-card';
import { transferProgressSchema } from './transfer';
import { formatSize } from '../format-size';

/**
 * `decompressing`: a compressed image is decoded and written at once (bytes count the decoded
 * image); `writing`: a raw image is written, or the partition table last; `verifying`: the written
 * ranges are read back from the card.
 */
export const flashPhaseSchema = z.enum(['preparing', 'decompressing', 'writing', 'verifying', 'provisioning', 'done']);
export type FlashPhase = z.infer<typeof flashPhaseSchema>;

/**
 * True when a phase's `bytes`/`totalBytes` count cards, not bytes: `provisioning` moves one card at
 * a time (a few kilobytes each), so it is said as "1 of 3 cards", with no speed and no time left.
 */
export function phaseCountsCards(phase: FlashPhase): boolean {
  return phase === 'provisioning';
}

/** "1 of 3 cards" for a phase that counts cards. */
export function cardsDoneWords(done: number, total: number | null): string {
  const of = total === null ? '' : ` of ${total}`;
  return `${done}${of} ${(total ?? done) === 1 ? 'card' : 'cards'}`;
}

export const flashRequestSchema = z.object({
  /** A local file path, an http(s) URL, or a catalog reference such as fedora-iot:42@rpi4. */
  source: z.string().min(1),
  /** Devices as listed by drives:list, loop devices named explicitly, or regular file paths. */
  targets: z.array(z.string().min(1)).min(1),
  verify: z.boolean().default(true),
  /** Discard each whole card before writing, where it can (false: --no-discard, for a card whose discard is slow). */
  discard: z.boolean().default(true),
  /** Expected sha256 of the source file as given (compressed or not). */
  sha256: z.string().regex(SHA256_HEX).optional(),
  /** The board the cards are for (a board id): an image made for another architecture is refused before writing. */
  board: z.string().optional(),
  /** Write even when the image's architecture is not the board's (the user says they know). */
  ignoreBoard: z.boolean().default(false),
  /** Per-run provisioning: a profile (shared/provisioning/profile.ts), checked by checkProfile when the job plans the cards. */
  provisioning: z.unknown().optional(),
  /**
   * First value of {n} in hostname patterns, and where the pattern's series continues from.
   * Without it, the series kept in the config folder continues (1 for a new pattern).
   */
  counterStart: counterValueSchema.optional(),
  /**
   * Each target's `{n}`, given outright: a retry rewrites failed cards with the numbers they were
   * given before, so the series is neither advanced nor rewound. Wins over counterStart.
   */
  cardNumbers: z.array(counterValueSchema).max(256).optional(),
  /** Per-device values: CSV text whose rows fill the profile, one row per card, unused rows first. */
  table: z.object({ text: z.string().max(4 << 20), name: z.string().max(200).optional() }).optional(),
  /** A hostname the history already holds stops the job unless the user confirmed it (flash:preview lists them). */
  allowDuplicateHostnames: z.boolean().default(false),
  /** Accept a Fedora image whose CHECKSUM signature is missing or wrong (recorded in the result). */
  insecureSkipSignature: z.boolean().default(false),
  /**
   * A retry: each named target must still be the card that failed (same serial, model and size),
   * else the job stops with CARD_CHANGED before anything is written.
   */
  expectedCards: z.array(z.object({ device: z.string(), identity: cardIdentitySchema })).max(256).optional(),
  /** A bench session's job: the session (one batch in the history) and each target's number in it. */
  session: z.object({ id: z.string().min(1).max(100), cards: z.array(z.number().int().positive()).max(256) }).optional(),
  /**
   * Each card reports once when its device came up (shared/domain/checkin.ts): the app listens
   * on this address while the cards are awaited. Needs the config this app writes.
   */
  checkin: checkinRequestSchema.optional(),
  /**
   * The person confirmed, in the app's own dialog or at the CLI's prompt, that mounted targets are
   * unmounted. Without it a mounted target is refused, never unmounted. A station ignores it: a
   * client's word is not the person's.
   */
  unmountConfirmed: z.boolean().default(false),
});
export type FlashRequest = z.input<typeof flashRequestSchema>;

export const targetStateSchema = z.object({
  device: z.string(),
  state: z.enum(['pending', 'writing', 'verifying', 'provisioning', 'done', 'failed', 'cancelled']),
  bytesWritten: z.number().nonnegative(),
  /** How far this card's own read-back is, once it started (each card reads back at its own pace). */
  readBack: z.object({ bytes: z.number().nonnegative(), totalBytes: z.number().nonnegative() }).optional(),
  /** Present when the card gets first-boot settings: whether they are on it yet. */
  firstBoot: z.enum(['waiting', 'done']).optional(),
  error: errorInfoSchema.optional(),
  /** The name this card is given, known once its values are taken (set on the card only when its state is done). */
  hostname: z.string().optional(),
  /** The device-table row (1 = first device) and the file's line this card's values came from. */
  tableRow: z.number().int().positive().optional(),
  tableLine: z.number().int().positive().optional(),
});
export type TargetState = z.infer<typeof targetStateSchema>;

/**
 * A flash written while its image downloads: the download's own pipe next to the write's, and
 * which of the two sets the pace (the writer waiting for bytes, or the download ahead of it).
 */
export const downloadPaceSchema = z.object({
  /** Bytes of the compressed file on disk, and its length when the server announced it. */
  bytes: z.number().nonnegative(),
  totalBytes: z.number().nonnegative().nullable(),
  /** `download`: the writer is waiting for bytes; `card`: the download is ahead of the writing. */
  limitedBy: z.enum(['download', 'card']),
  /**
   * False while the writer has not yet watched the two pipes long enough to tell which sets the
   * pace (its first seconds): `limitedBy` is then only a guess, and the words leave it out.
   */
  paceKnown: z.boolean().optional(),
  /**
   * How far into the download the writer has read (decoded and written to the cards): what the
   * write's figure and time left follow, since the image's own position races over its free space.
   */
  read: z.number().nonnegative().optional(),
  /** The download's own speed, bytes per second (0 while not measured yet). */
  speed: z.number().nonnegative().optional(),
});
export type DownloadPace = z.infer<typeof downloadPaceSchema>;

/** Whether the whole download is on disk. */
export function downloadComplete(download: DownloadPace): boolean {
  return download.totalBytes !== null && download.bytes >= download.totalBytes;
}

/** Which pipe sets the pace, once the writer has watched long enough to know (null before, and once the download is complete). */
export function paceVerdict(download: DownloadPace): DownloadPace['limitedBy'] | null {
  return download.paceKnown === false || downloadComplete(download) ? null : download.limitedBy;
}

/**
 * The download's pipe in words, most telling first, each part whole so a narrow line can drop the
 * last ones: `downloaded 120 MB of 442 MB`, `5.0 MB/s`, `waiting for the download`.
 */
export function downloadPaceParts(download: DownloadPace): string[] {
  if (downloadComplete(download)) return [`downloaded ${formatSize(download.bytes)}`];
  const of = download.totalBytes === null ? '' : ` of ${formatSize(download.totalBytes)}`;
  const verdict = paceVerdict(download);
  return [
    `downloaded ${formatSize(download.bytes)}${of}`,
    download.speed ? `${formatSize(download.speed)}/s` : '',
    verdict === null ? '' : verdict === 'download' ? 'waiting for the download' : 'the card is the slower part',
  ].filter(Boolean);
}

/** The download's pipe in a few words, without its speed: `downloaded 120 MB of 442 MB, waiting for the download`. */
export function downloadPaceWords(download: DownloadPace): string {
  return downloadPaceParts({ ...download, speed: 0 }).join(', ');
}

/** Where a card is in its own write, in the order it goes; `finishing`: its partition table goes on last. */
export const cardStepSchema = z.enum(['starting', 'writing', 'verifying', 'first-boot', 'finishing', 'done', 'failed', 'cancelled']);
export type CardStep = z.infer<typeof cardStepSchema>;

/**
 * A card's one figure over its whole write (shared/domain/flash-figures.ts): its step, and how far
 * it is, 100 only once it is done (null while not known; a stopped card keeps the figure it reached).
 */
export const cardFigureSchema = z.object({
  step: cardStepSchema,
  percent: z.number().int().min(0).max(100).nullable(),
});
export type CardFigure = z.infer<typeof cardFigureSchema>;

export const flashProgressSchema = z.object({
  jobId: z.string(),
  phase: flashPhaseSchema,
  /** The job's position in its phase (the image stream's, the read-back's, the cards set up): speed and time left. */
  ...transferProgressSchema.shape,
  /** The job's one figure: its slowest card still being written (shared/domain/flash-figures.ts). */
  percent: z.number().int().min(0).max(100).nullable(),
  targets: z.array(targetStateSchema.extend({ figure: cardFigureSchema })),
  /** Present while the image is still downloading into the flash (written while it downloads). */
  download: downloadPaceSchema.optional(),
});
export type FlashProgress = z.infer<typeof flashProgressSchema>;

export const flashResultSchema = z.object({
  jobId: z.string(),
  ok: z.boolean(),
  source: z.string(),
  imageSize: z.number().nonnegative(),
  /** sha256 of the source file as given, when it was computed. */
  sourceSha256: z.string().optional(),
  /** For a downloaded image: who signed its CHECKSUM, or that the user skipped that check. */
  sourceTrust: sourceTrustSchema.optional(),
  /** writtenSha256: sha256 over the image's data as written, first-boot settings not included (the same for every card of one image; shared/domain/written-digest.ts). */
  targets: z.array(targetStateSchema.extend({
    writtenSha256: z.string().optional(),
    verified: z.boolean(),
    /** The card's `{n}` (what a retry of this card asks for again). */
    n: z.number().int().nonnegative().optional(),
    /** The device-table row's label column. */
    label: z.string().optional(),
    /** The card's static address (A.B.C.D/N) from its table row or the profile. */
    ip: z.string().optional(),
    /** sha256 of the Ignition config text written to the card (config mode). */
    configSha256: z.string().optional(),
    /** Which card this was (what a retry checks is still in the reader). */
    identity: cardIdentitySchema.optional(),
    /** Whether its old contents were discarded before writing, or may remain in its free space. */
    oldData: oldDataSchema.optional(),
  })),
  durationMs: z.number().nonnegative(),
  /** Why the whole job stopped (bad input, a corrupt image, a cancel); each target carries its own error too. */
  error: errorInfoSchema.optional(),
  /** Bytes written to each card: only what the image's filesystems use, plus the partition table. */
  writtenBytes: z.number().nonnegative().optional(),
  /** Peak memory of the writer process. */
  writerPeakMemoryBytes: z.number().nonnegative().optional(),
  /** Which decoder the writer ran. */
  decoder: z.string().optional(),
  /** A multi-block .xz: its blocks, how many were decoded to map the image, and to write it. */
  xzBlocks: z.object({ total: z.number().int(), forMap: z.number().int(), decoded: z.number().int() }).optional(),
  /**
   * `read`: written from the decompressed copy in the image cache, nothing decoded; `kept`: the
   * image was decoded and a decompressed copy kept in the cache, for the next flash of the same file.
   */
  imageCache: z.enum(['read', 'kept']).optional(),
  /**
   * What could not be saved after the write (the table's used rows, the history): the cards are as
   * their states say, but the next run could hand out the same row again. STATE_NOT_SAVED.
   */
  notSaved: errorInfoSchema.optional(),
  /** How the on-card command went for each card, when one was set (shared/domain/on-card.ts). */
  onCard: z.array(onCardReportSchema).optional(),
  /**
   * A write of an image still downloading that was cancelled: how much had arrived, and whether it
   * is kept so the next write continues the download (only when the server lets it).
   */
  downloadLeft: downloadLeftSchema.optional(),
});
export type FlashResult = z.infer<typeof flashResultSchema>;

/** What a result's `imageCache` means, in the words the CLI and the app show. */
export const imageCacheNotes: Record<NonNullable<FlashResult['imageCache']>, string> = {
  read: 'Written from the decompressed copy in the image cache: nothing was decompressed.',
  kept: 'A decompressed copy is now in the image cache: the next flash of this file skips decompressing.',
};
