import { z } from 'zod';
import { errorInfoSchema } from '../errors';
import { cardIdentitySchema } from '../domain/drive';
import { cardFigureSchema, downloadPaceSchema, flashRequestSchema, targetStateSchema } from '../domain/flash';
import { oldDataSchema } from '../domain/old-data';
import { defineEvents, defineRequests } from './define';

/**
 * One card reader's slot in station mode: the card in it, and how its write is going. `refused`:
 * the drive rules keep it from being written (read-only, holds the image, unusually large, held by
 * a job started by hand), or it was in its reader before the session started; the reason is in `error`. `waiting`: the card is the session's and waits
 * in insertion order, for a free writer or for a table row (`waitingFor`).
 */
export const benchSlotSchema = z.object({
  device: z.string(),
  description: z.string(),
  size: z.number().nonnegative().nullable(),
  state: z.union([targetStateSchema.shape.state, z.literal('refused'), z.literal('waiting')]),
  waitingFor: z.enum(['writer', 'rows']).optional(),
  /** The card's number in the session, in insertion order (given when its write starts). */
  card: z.number().int().positive().optional(),
  identity: cardIdentitySchema.optional(),
  /** Bytes written to this card (only the image's data: free space is skipped). */
  bytesWritten: z.number().nonnegative(),
  /** Its step and one figure over its whole write, as its job reports them (absent until it does). */
  figure: cardFigureSchema.optional(),
  /** While its job writes it as the image downloads: the download's pipe next to the card's (absent otherwise). */
  download: downloadPaceSchema.optional(),
  hostname: z.string().optional(),
  tableRow: z.number().int().positive().optional(),
  tableLine: z.number().int().positive().optional(),
  jobId: z.string().optional(),
  error: targetStateSchema.shape.error,
  /** Once written: whether every written byte was read back and matched (the tile then says it is safe to take out, verified). */
  verified: z.boolean().optional(),
  /** Once written: whether the card's old contents were discarded first, or may remain in its free space. */
  oldData: oldDataSchema.optional(),
  /**
   * When the card was taken out of its reader (ISO time). The slot stays, in its last state, so
   * the person sees whether the card went out written or not, until they dismiss it
   * (bench:dismiss) or the next card goes into that reader.
   */
  removedAt: z.string().optional(),
});
export type BenchSlot = z.infer<typeof benchSlotSchema>;

/**
 * A bench session: what every card gets, fixed from its start to its end (changing the image,
 * profile or table means ending it and starting another), and how far it is. One session is one
 * batch in the history (`id`), however the cards were grouped when inserted.
 */
export const benchSessionSchema = z.object({
  id: z.string(),
  startedAt: z.string(),
  source: z.string(),
  /** Whether each card gets a first-boot setup; false: the image as it ships. */
  firstBoot: z.boolean().optional(),
  /** The hostname pattern the cards are named by, when the profile sets one. */
  hostname: z.string().optional(),
  /** The device table's name and size, when the session writes a table's rows. */
  table: z.object({ name: z.string().optional(), rows: z.number().int().nonnegative(), used: z.number().int().nonnegative() }).optional(),
  /** Cards written (and verified, unless verification is off) and cards failed, in this session. */
  written: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Why the session stopped on its own (a state file could not be saved): no card is written after it. */
  stopped: errorInfoSchema.optional(),
});
export type BenchSession = z.infer<typeof benchSessionSchema>;

export const benchStatusSchema = z.object({
  /** Watching for cards: every removable card inserted is written. */
  active: z.boolean(),
  source: z.string().optional(),
  /** The running session, or the last one (until the next starts) so its count and stop reason stay readable. */
  session: benchSessionSchema.optional(),
  /** Cards present (or still finishing), in device order. */
  slots: z.array(benchSlotSchema),
});
export type BenchStatus = z.infer<typeof benchStatusSchema>;

/**
 * What every card of the session gets: a flash request without targets or numbering (the series
 * continues). `includePresent`: cards already in readers when the session starts that the person
 * confirmed to be written too, each by its reader and identity (another card found there instead is
 * not taken); every other card present then is left alone
 * (PRESENT_AT_START) until it is taken out and put back in.
 */
export const benchRequestSchema = flashRequestSchema.omit({ targets: true, counterStart: true, cardNumbers: true }).extend({
  includePresent: z.array(z.object({ device: z.string().min(1), identity: cardIdentitySchema })).max(64).optional(),
});
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
  /**
   * Writes a failed card of the session again, only while the same card (serial, model, size) is
   * still in its reader: another card there answers CARD_CHANGED (the session takes it as a new card).
   */
  'bench:retry': { args: z.object({ device: z.string().min(1) }), result: benchStatusSchema },
  /**
   * "Write this one too": a card that was in its reader before the session started (refused with
   * PRESENT_AT_START) joins the session, once the person confirmed erasing it, named by its
   * identity: another card in that reader since answers CARD_CHANGED.
   */
  'bench:include': { args: z.object({ device: z.string().min(1), identity: cardIdentitySchema.optional() }), result: benchStatusSchema },
  /** Forgets the slot of a card taken out of its reader (see `removedAt`), once the person has read it. */
  'bench:dismiss': { args: z.object({ device: z.string().min(1) }), result: benchStatusSchema },
});

export const benchEvents = defineEvents({
  'bench:changed': benchStatusSchema,
});
