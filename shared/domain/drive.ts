import { z } from 'zod';

/** A place an image can be written: a listed drive, a loop device named explicitly, or an image file. */
export const driveSchema = z.object({
  /** The path to write, e.g. /dev/sdb, /dev/loop3, \\.\PhysicalDrive2 or /home/me/card.img. */
  device: z.string().min(1),
  description: z.string(),
  /** Bytes; null for a regular file target that does not exist yet. */
  size: z.number().int().nonnegative().nullable(),
  isSystem: z.boolean(),
  isRemovable: z.boolean(),
  isReadOnly: z.boolean(),
  isVirtual: z.boolean().default(false),
  kind: z.enum(['drive', 'loop', 'file']),
  mountpoints: z.array(z.string()).default([]),
  busType: z.string().optional(),
  /** For a loop device, the file behind it: writing the loop device rewrites that file. */
  backingFile: z.string().optional(),
});
export type Drive = z.infer<typeof driveSchema>;
