/**
 * "Restore to an empty drive", as Fedora Media Writer offers it: one partition over the whole card,
 * FAT32 up to 32 GiB (what every camera, TV and OS reads) and exFAT above (FAT32 is not formatted
 * larger by Windows, and exFAT is what SDXC cards ship with), with the label the user gives.
 */
import { z } from 'zod';
import { checkTarget } from '../drive-constraints';
import { FiotError } from '../errors';
import type { Drive } from './drive';
import { oldDataSchema } from './old-data';

export const FAT32_LIMIT_BYTES = 32 * 1024 ** 3;
export const DEFAULT_RESTORE_LABEL = 'CARD';

export type RestoreFilesystem = 'fat32' | 'exfat';

export function restoreFilesystem(driveSize: number): RestoreFilesystem {
  return driveSize <= FAT32_LIMIT_BYTES ? 'fat32' : 'exfat';
}

/**
 * FAT labels: 11 bytes of plain ASCII without the characters DOS forbids. exFAT allows 15 UTF-16
 * units by its specification, but Debian 12's mkfs.exfat (exfatprogs 1.2) refuses more than 11.
 */
export function restoreLabelProblem(label: string, filesystem: RestoreFilesystem): string | null {
  if (label.length === 0) return 'the label is empty';
  if (filesystem === 'fat32') {
    if (!/^[\x20-\x7e]+$/.test(label)) return `“${label}” may hold only plain ASCII letters, digits and punctuation on a FAT32 card`;
    if (/["*+,./:;<=>?[\\\]|]/.test(label)) return `“${label}” may not contain any of " * + , . / : ; < = > ? [ \\ ] |`;
    if (label.length > 11) return `“${label}” is ${label.length} characters; a FAT32 label holds at most 11`;
    return null;
  }
  if ([...label].some((c) => c.charCodeAt(0) < 0x20) || /["*/:<>?\\|]/.test(label)) return `“${label}” may not contain control characters or any of " * / : < > ? \\ |`;
  if (label.length > 11) return `“${label}” is ${label.length} characters; an exFAT label holds at most 11 here`;
  return null;
}

export const restoreRequestSchema = z.object({
  /** A drive from drives:list, or a loop device named explicitly. */
  device: z.string().min(1),
  label: z.string().max(64).optional(),
  /** The person confirmed unmounting a mounted drive (as flashRequestSchema's; a station ignores it). */
  unmountConfirmed: z.boolean().default(false),
});
export type RestoreRequest = z.input<typeof restoreRequestSchema>;

export const restoreResultSchema = z.object({
  device: z.string(),
  filesystem: z.enum(['fat32', 'exfat']),
  label: z.string(),
  /** The one partition: where it starts and how many bytes it spans. */
  partition: z.object({ offset: z.number().int().nonnegative(), size: z.number().int().positive() }),
  /** Whether the card's old contents (an image, a first-boot config's passwords) were discarded before the new filesystem went on. */
  oldData: oldDataSchema.optional(),
});
export type RestoreResult = z.infer<typeof restoreResultSchema>;

/**
 * The checks both the core (before asking for privileges) and the writer (trusting nothing) make:
 * a real drive, not a system or read-only one, and a label its filesystem can hold.
 */
export function checkRestore(drive: Drive, label: string): { filesystem: RestoreFilesystem; size: number } {
  if (drive.kind === 'file' || drive.size === null) {
    throw new FiotError('INVALID_INPUT', `${drive.device} is not a drive: restore formats cards and sticks, not image files.`);
  }
  const refusal = checkTarget(drive, { size: null }).errors[0];
  if (refusal) throw new FiotError(refusal.code, refusal.message);
  const filesystem = restoreFilesystem(drive.size);
  const problem = restoreLabelProblem(label, filesystem);
  if (problem) throw new FiotError('INVALID_INPUT', `Label: ${problem}.`, filesystem === 'fat32' ? 'Give a label of up to 11 letters and digits, such as CARD.' : 'Give a label of up to 11 characters.');
  return { filesystem, size: drive.size };
}
