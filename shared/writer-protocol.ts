/**
 * The writer's line protocol, between the core (electron/core/flash/writer-client.ts) and the
 * writer process (electron/writer/): newline-delimited JSON over the writer's stdio. The core sends
 * one `job`, `restore` or `provision` (and maybe a `cancel`); the writer answers with `progress`
 * lines and one `result`, `restored` or `provisioned`, then exits. Validated on both ends: the
 * writer may run elevated, so it trusts nothing it is sent.
 */
import { z } from 'zod';
import { downloadPaceSchema, targetStateSchema } from './domain/flash';
import { restoreResultSchema } from './domain/restore';
import { errorInfoSchema } from './errors';
import { oldDataSchema } from './domain/old-data';
import { provisioningPlanSchema } from './provisioning/plan';
import { boardSchema } from './domain/board';

const byteRangeSchema = z.object({ offset: z.number().int().nonnegative(), length: z.number().int().positive() });

/**
 * What a finished cache copy holds: the core records it as the copy's allocation map and data
 * digest. dataSha256 is the writer's writtenSha256, the one meaning a copy's digest has.
 */
export const cacheCopyReportSchema = z.object({
  imageSize: z.number().int().nonnegative(),
  dataRanges: z.array(byteRangeSchema),
  dataBytes: z.number().int().nonnegative(),
  dataSha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type CacheCopyReport = z.infer<typeof cacheCopyReportSchema>;

/** The longest piece of an `.xz` file's end the core reads to find its index (remote-xz-size.ts reads at most 1 MiB at once). */
const MAX_INDEX_PIECE_BYTES = 1 << 20;

/**
 * The parts of a download's `.xz` file the core read by Range requests before the download (its
 * head and its end: stream header, index, footer), as the server sent them. The writer parses the
 * block list from them itself and, once the file arrived, checks that the file holds these same bytes.
 */
export const xzIndexBytesSchema = z.object({
  fileSize: z.number().int().positive(),
  pieces: z.array(z.object({
    offset: z.number().int().nonnegative(),
    bytes: z.base64().min(1).max(Math.ceil(MAX_INDEX_PIECE_BYTES / 3) * 4),
  })).min(1).max(16),
});
export type XzIndexBytes = z.infer<typeof xzIndexBytesSchema>;

/** A drive opened for the writer (UDisks2's OpenDevice): its inherited fd, used instead of opening the device path. */
const descriptorSchema = z.number().int().min(3);

export const writerJobSchema = z.object({
  /** A local file; the writer inspects it again itself. */
  source: z.string().min(1),
  targets: z.array(z.object({
    device: z.string().min(1),
    descriptor: descriptorSchema.optional(),
    /** What to inject into this target after it is written and verified (electron/core/provision/inject.ts). */
    provisioning: provisioningPlanSchema.optional(),
  })).min(1),
  verify: z.boolean(),
  /** Unmount mounted targets (the person confirmed it); without it a mounted target fails untouched. */
  unmountConfirmed: z.boolean().optional(),
  /**
   * false: leave the cards' old contents where the image does not write (--no-discard). Absent or
   * true: discard each whole card first where it can (electron/writer/discard-card.ts).
   */
  discard: z.boolean().optional(),
  /** Ranges of the decompressed image to write, when the caller already mapped it (a cached image). */
  dataRanges: z.array(byteRangeSchema).optional(),
  /** sha256 the written bytes must have (a cached copy's recorded digest); checked before the partition table. */
  expectedWrittenSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /**
   * An empty file the core created in its image cache, inherited like a drive: the writer also
   * writes every image range it writes to the cards into it (electron/writer/cache-copy.ts), and
   * gives it up once it would hold more than `maxBytes`.
   */
  cacheCopy: z.object({ descriptor: z.number().int().min(3), maxBytes: z.number().int().nonnegative() }).optional(),
  /**
   * The image is still downloading: `source` is the growing `.part` file, read only as far as the
   * core's `download` messages say it holds; the partition tables wait for `download-verified`.
   */
  download: z.object({
    format: z.enum(['xz', 'raw']),
    /** Bytes of the decompressed image when known beforehand (the `.xz` index read by Range requests). */
    imageSize: z.number().int().positive().nullable(),
    /** With it, only the blocks that may hold data are decoded, each as it arrives (image-source/download-blocks.ts). */
    xzIndex: xzIndexBytesSchema.optional(),
  }).optional(),
  /**
   * What the core could not ask of an image still downloading, asked by the writer of the image it
   * wrote, before any card is provisioned or gets its tables: a failed check leaves every card
   * without a partition table.
   */
  imageChecks: z.object({
    /** The provisioning's needs (electron/core/provision/inspect.ts): a Fedora IoT `boot`, room for the config, boot entries. */
    provisioning: z.object({
      mode: z.enum(['config', 'url', 'zezere']),
      kernelArguments: z.array(z.string()),
      configBytes: z.number().int().nonnegative(),
    }).optional(),
    /** The board the image must fit (its ESP's EFI loader), and how to write anyway in the front end's words. */
    board: z.object({ board: boardSchema, overrideWords: z.string().min(1) }).optional(),
  }).optional(),
});
export type WriterJob = z.infer<typeof writerJobSchema>;

/** Restore a card to normal use: one partition with an empty filesystem (shared/domain/restore.ts). */
export const restoreJobSchema = z.object({
  device: z.string().min(1),
  label: z.string().min(1).max(64),
  descriptor: descriptorSchema.optional(),
  unmountConfirmed: z.boolean().optional(),
});
export type RestoreJob = z.infer<typeof restoreJobSchema>;

/** Provision a card (or image file) that already holds a Fedora IoT image, in place. */
export const provisionJobSchema = z.object({ device: z.string().min(1), descriptor: descriptorSchema.optional(), plan: provisioningPlanSchema });
export type ProvisionJob = z.infer<typeof provisionJobSchema>;

export const provisionedResultSchema = z.object({
  device: z.string(),
  mode: z.enum(['config', 'url', 'zezere']),
  hostname: z.string().optional(),
  /** Byte ranges written, each read back from the card and compared. */
  changed: z.array(byteRangeSchema),
});
export type ProvisionedResult = z.infer<typeof provisionedResultSchema>;

export const parentMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job'), job: writerJobSchema }),
  z.object({ type: z.literal('restore'), restore: restoreJobSchema }),
  z.object({ type: z.literal('provision'), provision: provisionJobSchema }),
  z.object({ type: z.literal('cancel') }),
  /** The download has this many bytes on disk (of `totalBytes`, when announced): the writer may read that far. */
  z.object({ type: z.literal('download'), bytes: z.number().int().nonnegative(), totalBytes: z.number().int().nonnegative().nullable() }),
  /** The whole file arrived (`bytes` long, now at `file`) and its sha256 matched: the tables may go on. */
  z.object({ type: z.literal('download-verified'), bytes: z.number().int().nonnegative(), file: z.string().min(1) }),
  /** The download stopped for good (a mismatch, every mirror failed, a cancel): the job fails with this. */
  z.object({ type: z.literal('download-failed'), ...errorInfoSchema.shape }),
]);
export type ParentMessage = z.infer<typeof parentMessageSchema>;

export const writerPhaseSchema = z.enum(['preparing', 'decompressing', 'writing', 'verifying', 'provisioning']);
export type WriterPhase = z.infer<typeof writerPhaseSchema>;

export const writerTargetResultSchema = targetStateSchema.extend({
  verified: z.boolean(),
  writtenSha256: z.string().optional(),
  /** Byte ranges the provisioning step changed (read back and compared). */
  provisioned: z.array(byteRangeSchema).optional(),
  /** Whether the card's old contents were discarded before writing (absent for an image file, which starts empty). */
  oldData: oldDataSchema.optional(),
});
export type WriterTargetResult = z.infer<typeof writerTargetResultSchema>;

export const writerMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('progress'),
    phase: writerPhaseSchema,
    /** Image bytes handled in this phase, and how many there are (null while unknown). */
    bytes: z.number().nonnegative(),
    totalBytes: z.number().nonnegative().nullable(),
    targets: z.array(targetStateSchema),
    /** A job written while its image downloads: the download's pipe, and which one sets the pace. */
    download: downloadPaceSchema.optional(),
  }),
  z.object({
    type: z.literal('result'),
    ok: z.boolean(),
    /** Bytes of the decompressed image. */
    imageSize: z.number().nonnegative(),
    /** Bytes written to each card (the allocation map's data ranges). */
    writtenBytes: z.number().nonnegative(),
    decoder: z.string(),
    /** A multi-block .xz: how many blocks it has, how many were decoded to map it and to write it. */
    xzBlocks: z.object({ total: z.number().int(), forMap: z.number().int(), decoded: z.number().int() }).optional(),
    /** Why the whole job stopped (a corrupt source, a cancel), when it did. */
    error: errorInfoSchema.optional(),
    targets: z.array(writerTargetResultSchema),
    /** Peak resident memory of the writer, for the benchmark's memory budget. */
    maxRssBytes: z.number().nonnegative(),
    /** The job's cache copy, complete: its data ranges and the sha256 of their bytes (the cards' writtenSha256). */
    cacheCopy: cacheCopyReportSchema.optional(),
  }),
  z.object({ type: z.literal('restored'), ok: z.boolean(), result: restoreResultSchema.optional(), error: errorInfoSchema.optional() }),
  z.object({ type: z.literal('provisioned'), ok: z.boolean(), result: provisionedResultSchema.optional(), error: errorInfoSchema.optional() }),
]);
export type WriterMessage = z.infer<typeof writerMessageSchema>;
export type RestoredMessage = Extract<WriterMessage, { type: 'restored' }>;
export type ProvisionedMessage = Extract<WriterMessage, { type: 'provisioned' }>;
export type WriterResultMessage = Extract<WriterMessage, { type: 'result' }>;
