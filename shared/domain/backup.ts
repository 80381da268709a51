import { z } from 'zod';

/**
 * "Save a card as an image" (a golden card): the card, where the image goes (a path the person
 * chose, or on a station a file name in its images folder), and whether the machine's identity
 * is cleared in the copy.
 */
export const backupRequestSchema = z.object({
  device: z.string().min(1),
  output: z.string().min(1).max(4096),
  clearIdentity: z.boolean(),
});
export type BackupRequest = z.infer<typeof backupRequestSchema>;

export const backupResultSchema = z.object({
  device: z.string(),
  output: z.string(),
  /** Bytes of the image (what a card gets when it is flashed). */
  imageSize: z.number().int().nonnegative(),
  /** Bytes read from the card: what its filesystems use. */
  dataBytes: z.number().int().nonnegative(),
  /** Bytes of the .xz file. */
  fileBytes: z.number().int().nonnegative(),
  /** Files cleared in the copy, as partition label:path. */
  cleared: z.array(z.string()),
  durationMs: z.number().nonnegative(),
});
export type BackupResult = z.infer<typeof backupResultSchema>;

/** A file name (no folder) for a station's images folder: what the page offers by default. */
export function defaultBackupName(now = new Date()): string {
  return `golden-${now.toISOString().slice(0, 10)}.raw.xz`;
}
