import { z } from 'zod';
import { historyEntrySchema } from '../domain/history';
import { defineRequests } from './define';

const limitArgs = z.object({ limit: z.number().int().positive().optional() }).default({});

export const historyRequests = defineRequests({
  /** The cards written, newest first (at most `limit`). */
  'history:list': { args: limitArgs, result: z.object({ entries: z.array(historyEntrySchema) }) },
  /** The same, as CSV text (RFC 4180, a header and one row per card) for a spreadsheet. */
  'history:export': { args: limitArgs, result: z.object({ csv: z.string() }) },
});
