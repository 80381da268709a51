/**
 * Downloaded images and the image cache, as every process sees them (CLI, UI, station).
 */
import { z } from 'zod';
import { errorInfoSchema } from '../errors';
import { transferProgressSchema } from './transfer';

export const imageVerificationSchema = z.object({
  sha256: z.string(),
  /** signed: matched Fedora's (or a user-trusted) signed CHECKSUM; sha256: matched a given sha256; none: nothing to check against. */
  checksum: z.enum(['signed', 'sha256', 'none']),
  /** signedBy: the key's fingerprint; signer: "Fedora 44" for a shipped key, else the key's user id. */
  signature: z.object({ signedBy: z.string(), signer: z.string() }).nullable(),
  /** The user skipped a signature check that failed or could not be made (--insecure-skip-signature). */
  signatureSkipped: z.boolean().default(false),
  notes: z.array(z.string()),
});
export type ImageVerification = z.infer<typeof imageVerificationSchema>;

/** What a flash result and the history say about where the image's trust came from. */
export const sourceTrustSchema = imageVerificationSchema.pick({ signature: true, signatureSkipped: true });
export type SourceTrust = z.infer<typeof sourceTrustSchema>;

/** The decompressed, sparse copy kept next to a compressed image, with its allocation map. */
export const rawCopySchema = z.object({
  file: z.string(),
  size: z.number().nonnegative(),
  mapFile: z.string(),
  /** Bytes the map says must be written: what a warm flash writes and verifies. */
  dataBytes: z.number().nonnegative(),
  /**
   * sha256 of the bytes the writer wrote while it made the copy (its writtenSha256): the map's data
   * ranges, in image order, exactly what a flash from the copy writes. Every such flash must hash
   * the same, or it stops before the partition table (electron/writer/expected-digest.ts).
   */
  dataSha256: z.string().optional(),
  /**
   * "writer": the writer made the copy and dataSha256 has the meaning above. Older versions also
   * made copies of downloads in the core, whose digest was computed another way: a copy without
   * this mark is made again by the next flash, never trusted.
   */
  madeBy: z.literal('writer').optional(),
});

export const cacheEntrySchema = z.object({
  /** sha256 of the downloaded (or flashed local) file: the entry's identity. */
  sha256: z.string(),
  name: z.string(),
  /**
   * The downloaded file, relative to the cache folder; null for the decompressed copy of a local
   * file, which stays where its owner keeps it (only `raw` is in the cache).
   */
  file: z.string().nullable(),
  size: z.number().nonnegative(),
  /** URLs and catalog references this image was fetched as: a second request for any of them reuses it. */
  sources: z.array(z.string()),
  addedAt: z.string(),
  lastUsedAt: z.string(),
  verification: imageVerificationSchema,
  raw: rawCopySchema.nullable(),
  /** Bytes the entry takes on disk (the sparse copy counts only its data). */
  diskBytes: z.number().nonnegative(),
  /** Remove the entry once a flash from it has finished. */
  removeAfterWrite: z.boolean().default(false),
});
export type CacheEntry = z.infer<typeof cacheEntrySchema>;
/** An entry holding a downloaded (or built) file: what a download hands back. */
export type DownloadedEntry = CacheEntry & { file: string };

export function isDownloaded(entry: CacheEntry): entry is DownloadedEntry {
  return entry.file !== null;
}

/**
 * The entry's copy, when a flash may read it: made by the writer, with the digest every flash from
 * it is held to. A copy recorded by an older version (made by the core from a download, its digest
 * computed another way) is not trusted: the next flash makes it again.
 */
export function trustedCopy(entry: Pick<CacheEntry, 'raw'>): (NonNullable<CacheEntry['raw']> & { dataSha256: string }) | null {
  const { raw } = entry;
  return raw?.dataSha256 && raw.madeBy === 'writer' ? { ...raw, dataSha256: raw.dataSha256 } : null;
}

export const imagePhaseSchema = z.enum(['resolving', 'downloading', 'verifying', 'done', 'failed', 'cancelled']);
export type ImagePhase = z.infer<typeof imagePhaseSchema>;

export const imageProgressSchema = z.object({
  downloadId: z.string(),
  source: z.string(),
  phase: imagePhaseSchema,
  ...transferProgressSchema.shape,
  /** Set when phase is done. */
  entry: cacheEntrySchema.optional(),
  /** Set when phase is done: the local file to flash (the raw copy when one was made). */
  path: z.string().optional(),
  /** Set when phase is failed or cancelled. */
  error: errorInfoSchema.optional(),
});
export type ImageProgress = z.infer<typeof imageProgressSchema>;

export const downloadRequestSchema = z.object({
  /** An http(s) URL or a catalog reference such as fedora-iot:42@rpi4. */
  source: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/).optional(),
  /**
   * Hand back the path a flash reads: the decompressed copy when the cache has one (the writer makes
   * it on the image's first verified flash), else the downloaded file.
   */
  prepareRaw: z.boolean().default(false),
  removeAfterWrite: z.boolean().default(false),
  /** Accept a Fedora image whose CHECKSUM signature is missing or wrong; recorded in the entry. */
  insecureSkipSignature: z.boolean().default(false),
});
export type DownloadRequest = z.input<typeof downloadRequestSchema>;

export const cacheSummarySchema = z.object({
  entries: z.array(cacheEntrySchema),
  totalBytes: z.number().nonnegative(),
  limitBytes: z.number().nonnegative().nullable(),
  dir: z.string(),
});
export type CacheSummary = z.infer<typeof cacheSummarySchema>;
