import { z } from 'zod';
import { flashRequestSchema, targetStateSchema } from '../domain/flash';
import { defineEvents, defineRequests } from './define';

/**
 * One card reader's slot in station mode: the card in it, and how its write is going. `refused`:
 * the drive rules keep it from being written (read-only, holds the image, unusually large); the
 * reason is in `error`.
 */
export const benchSlotSchema = z.object({
  device: z.string(),
  description: z.string(),
  size: z.number().nonnegative().nullable(),
  state: z.union([targetStateSchema.shape.state, z.literal('refused')]),
  /** Bytes written to this card (only the image's data: free space is skipped). */
  bytesWritten: z.number().nonnegative(),
  /** How far this card's current phase is: its job's position while the card takes part, of `totalBytes`. */
  phaseBytes: z.number().nonnegative(),
  totalBytes: z.number().nonnegative().nullable(),
  hostname: z.string().optional(),
  tableLine: z.number().int().positive().optional(),
  jobId: z.string().optional(),
  error: targetStateSchema.shape.error,
});
export type BenchSlot = z.infer<typeof benchSlotSchema>;

export const benchStatusSchema = z.object({
  /** Watching for cards: every removable card inserted is written. */
  active: z.boolean(),
  source: z.string().optional(),
  /** Cards present (or still finishing), in device order. */
  slots: z.array(benchSlotSchema),
});
export type BenchStatus = z.infer<typeof benchStatusSchema>;

/** What every card of the session gets: a flash request without targets or numbering (the series continues). */
export const benchRequestSchema = flashRequestSchema.omit({ targets: true, counterStart: true, cardNumbers: true });
export type BenchRequest = z.input<typeof benchRequestSchema>;

/**
 * Station mode for a bench of card readers: "write every card I insert". Runs in the core, so it
 * goes on writing when the page that switched it on is closed, and a headless station or the CLI
 * can use it too.
 */
export const benchRequests = defineRequests({
  /** Starts watching: each removable, non-system card that appears is written with the next values, with no click. */
  'bench:start': { args: benchRequestSchema, result: benchStatusSchema },
  /** Stops watching; cards being written are finished. */
  'bench:stop': { args: z.object({}).default({}), result: benchStatusSchema },
  'bench:status': { args: z.object({}).default({}), result: benchStatusSchema },
});

export const benchEvents = defineEvents({
  'bench:changed': benchStatusSchema,
});
