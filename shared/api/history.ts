import { z } from 'zod';
import { historyEntrySchema } from '../domain/history';
import { defineRequests } from './define';

const limitArgs = z.object({ limit: z.number().int().positive().optional() }).default({});

export const historyRequests = defineRequests({
  /** The cards written, newest first (at most `limit`). */
  'history:list': { args: limitArgs, result: z.object({ entries: z.array(historyEntrySchema) }) },
  /** The same, as CSV text (RFC 4180, a header and one row per card) for a spreadsheet. */
  'history:export': { args: limitArgs, result: z.object({ csv: z.string() }) },
  /**
   * One batch (flash job; the newest when jobId is left out) as CSV, JSON, a printable A4 HTML sheet
   * (shared/batch-sheet.ts: device, serial, hostname, IP, row, label, result and a QR code per card)
   * or an HTML page of 62 mm labels, one per written card. Never a secret.
   */
  'history:batch': {
    args: z.object({ jobId: z.string().min(1).max(100).optional(), format: z.enum(['csv', 'json', 'html', 'labels']) }),
    result: z.object({ jobId: z.string(), fileName: z.string(), mediaType: z.string(), text: z.string() }),
  },
});
