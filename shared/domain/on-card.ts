import { z } from 'zod';

/**
 * The on-card command (`--on-card CMD`, or the app's setting): a shell command run after each card
 * with the card's device, serial, hostname, row and result in its environment, for a label
 * printer or an inventory system. How each run went travels with the flash result, so a failing
 * command is reported, never silent.
 */
export const ON_CARD_COMMAND_MAX = 4096;

export const onCardReportSchema = z.object({
  device: z.string(),
  ok: z.boolean(),
  /** The command's exit status; null when it could not start, was stopped, or ran too long. */
  exitCode: z.number().int().nullable(),
  /** What went wrong in words (with the end of the command's stderr), or empty when it succeeded. */
  message: z.string(),
});
export type OnCardReport = z.infer<typeof onCardReportSchema>;

export const onCardSettingSchema = z.object({
  command: z.string().trim().max(ON_CARD_COMMAND_MAX).nullable(),
  /** Whether this client may change it: only the desktop app's own window, never a station's browser. */
  editable: z.boolean(),
});
export type OnCardSetting = z.infer<typeof onCardSettingSchema>;
