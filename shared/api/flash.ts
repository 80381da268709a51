import { z } from 'zod';
import { flashProgressSchema, flashRequestSchema, flashResultSchema } from '../domain/flash';
import { defineEvents, defineRequests } from './define';

export const flashRequests = defineRequests({
  /** Starts a job and answers at once with its id; progress and the result arrive as events. */
  'flash:start': { args: flashRequestSchema, result: z.object({ jobId: z.string() }) },
  'flash:cancel': { args: z.object({ jobId: z.string() }), result: z.object({ cancelled: z.boolean() }) },
});

export const flashEvents = defineEvents({
  'flash:progress': flashProgressSchema,
  'flash:done': flashResultSchema,
});
