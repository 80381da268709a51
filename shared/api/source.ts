import { z } from 'zod';
import { archSchema } from '../domain/board';
import { defineRequests } from './define';

/** How the file is packed; the image inside is a raw disk image (or an ISO) in every case. */
export const sourceFormatSchema = z.enum(['raw', 'xz', 'gzip', 'bzip2', 'zstd', 'zip']);

/** What the image step shows about a chosen file before anything is written. */
export const sourceInfoSchema = z.object({
  /** Absolute path of the file as given. */
  path: z.string(),
  name: z.string(),
  format: sourceFormatSchema,
  /** Bytes of the file itself. */
  fileSize: z.number().int().nonnegative(),
  /** Bytes of the decompressed image when the file records them; null for gzip, bzip2 and zstd. */
  size: z.number().int().nonnegative().nullable(),
  /** The image is at least this large (equals size when known). */
  minSize: z.number().int().nonnegative(),
  /** The image's name inside a zip archive. */
  zipEntry: z.string().optional(),
});
export type SourceInfo = z.infer<typeof sourceInfoSchema>;

/** Which machines an image is for, read from the image (its ESP's EFI loader); null when it does not say. */
export const sourceArchSchema = z.object({
  arch: archSchema.nullable(),
  /** What told: the loader's path in the ESP (`EFI/BOOT/BOOTAA64.EFI`). */
  evidence: z.string().optional(),
});
export type SourceArch = z.infer<typeof sourceArchSchema>;

export const listedImageSchema = z.object({ path: z.string(), name: z.string(), fileSize: z.number().int().nonnegative() });

/**
 * A catalog image found in an images folder, checked: its sha256, and what vouched for it (Fedora's
 * signed CHECKSUM file beside it, or, without one, the catalog's sha256).
 */
export const folderCopyCheckSchema = z.object({
  sha256: z.string(),
  checkedBy: z.enum(['signed-checksum', 'catalog-sha256']),
  /** The CHECKSUM file's name, and who signed it, when it vouched. */
  checksumFile: z.string().optional(),
  signer: z.string().optional(),
});
export type FolderCopyCheck = z.infer<typeof folderCopyCheckSchema>;

export const sourceRequests = defineRequests({
  /**
   * The local images a client may write: those under the app's image folders (a station's
   * --images, default the image cache). A client names local files only from here, or from the
   * desktop's file dialog.
   */
  'source:list': { args: z.object({}), result: z.object({ folders: z.array(z.string()), images: z.array(listedImageSchema) }) },
  /** Opens a local image file just enough to say what it is; refuses missing, unreadable and unknown files. */
  'source:inspect': { args: z.object({ path: z.string().min(1) }), result: sourceInfoSchema },
  /** Reads which machines the image is for, so the image step can say whether it fits the chosen board. */
  'source:arch': { args: z.object({ path: z.string().min(1) }), result: sourceArchSchema },
  /**
   * Checks a file of the images folder that bears a catalog entry's file name (`url` is the
   * entry's download address) before it is used in place of the download: against Fedora's signed
   * CHECKSUM file beside it when there is one, and the catalog's sha256. A mismatch is refused.
   */
  'source:check-copy': {
    args: z.object({ path: z.string().min(1), url: z.string().url().max(4096) }),
    result: folderCopyCheckSchema,
  },
});
