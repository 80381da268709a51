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

/**
 * Which physical card a device is: its serial and model as the system reports them (a loop
 * device's backing file stands in as its serial) and its size. Two cards that differ in any of
 * these are two cards, even in the same reader under the same device path.
 */
export const cardIdentitySchema = z.object({
  serial: z.string().optional(),
  model: z.string().optional(),
  size: z.number().int().nonnegative().nullable().optional(),
});
export type CardIdentity = z.infer<typeof cardIdentitySchema>;

export function sameCard(a: CardIdentity, b: CardIdentity): boolean {
  return (a.serial ?? '') === (b.serial ?? '') && (a.model ?? '') === (b.model ?? '') && (a.size ?? null) === (b.size ?? null);
}

/**
 * Whether two identities are known to be one card: the same serial, model and size, and a serial
 * at all (without one, two cards of one model and size look the same).
 */
export function knownSameCard(a: CardIdentity | undefined, b: CardIdentity | undefined): boolean {
  return Boolean(a?.serial && b?.serial) && sameCard(a!, b!);
}

/** A card as a person recognises it: model, serial and size. */
export function cardWords(identity: CardIdentity, formatBytes: (bytes: number) => string): string {
  const parts = [identity.model, identity.serial ? `serial ${identity.serial}` : undefined, identity.size ? formatBytes(identity.size) : undefined].filter(Boolean);
  return parts.length ? parts.join(', ') : 'a card with no serial or model';
}
