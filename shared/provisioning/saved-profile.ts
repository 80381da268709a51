/**
 * Named profiles as files people pass around (export/import): a small envelope with a format
 * version around the profile, so a future format can still read today's files.
 */
import { z } from 'zod';
import { profileSchema } from './profile';

export const PROFILE_FORMAT = 'fiot-profile/1';

export const profileNameSchema = z.string().trim().min(1, 'is empty').max(80, 'is longer than 80 characters')
  .regex(/^[^/\\:*?"<>|]+$/, 'may not contain / \\ : * ? " < > |')
  .refine((name) => ![...name].some((c) => c.charCodeAt(0) < 0x20), 'contains control characters');

export const savedProfileSchema = z.object({
  format: z.literal(PROFILE_FORMAT).default(PROFILE_FORMAT),
  name: profileNameSchema,
  profile: profileSchema,
  savedAt: z.string().optional(),
});
export type SavedProfile = z.output<typeof savedProfileSchema>;

export function exportProfileText(saved: SavedProfile): string {
  return JSON.stringify({ ...saved, format: PROFILE_FORMAT }, null, 2) + '\n';
}
