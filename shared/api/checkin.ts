import { z } from 'zod';
import { cardCheckinSchema } from '../domain/checkin';
import { defineEvents, defineRequests } from './define';

const checkinsSchema = z.object({ cards: z.array(cardCheckinSchema) });

/** Check-in: which written cards said they came up (shared/domain/checkin.ts). */
export const checkinRequests = defineRequests({
  /** The cards of recent batches that await, or awaited, a report; newest first. */
  'checkin:list': { args: z.object({ limit: z.number().int().positive().max(1000).optional() }).default({}), result: checkinsSchema },
  /**
   * This machine's addresses a device might reach, the likeliest LAN one first, never loopback nor
   * an unscoped IPv6 link-local one: the check-in address to pick from (`suggested` is the default;
   * both empty when this machine has none but loopback).
   */
  'checkin:addresses': { args: z.object({}).default({}), result: z.object({ addresses: z.array(z.string()), suggested: z.string().optional() }) },
});

export const checkinEvents = defineEvents({
  /** A card began to be awaited, came up, or was not heard from in time: the recent cards. */
  'checkin:changed': checkinsSchema,
});
