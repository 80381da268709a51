import { z } from 'zod';
import { flashRequestSchema } from '../domain/flash';
import { counterValueSchema } from '../provisioning/counter';
import { defineRequests } from './define';

const cardPreviewSchema = z.object({
  /** 1 for the first target of the run. */
  card: z.number().int().positive(),
  /** The card's `{n}`. */
  n: z.number().int().nonnegative(),
  hostname: z.string().optional(),
  /** Where the card's values come from in the device table: its row (1 = first device) and the file's line. */
  tableRow: z.number().int().positive().optional(),
  tableLine: z.number().int().positive().optional(),
  label: z.string().optional(),
});

/** Fleet batches: what the next cards will be called, and the hostname series kept in the config folder. */
export const batchRequests = defineRequests({
  /**
   * The card-to-hostname map for the next `cards` cards of this request, taking nothing: the
   * summary before writing. `repeatedNames` are names the history already holds: flash:start refuses
   * them (DUPLICATE_HOSTNAME) unless the request sets allowDuplicateHostnames after the user agreed.
   * `rowsLeft`: unused rows of the request's device table; `rowsUsed`: the numbers of its rows
   * already written (row 1 is the first device), so every summary can say which row is next. Bad input answers INVALID_INPUT naming
   * the field, or the table's line and column. `devices`: the targets the cards go to, in order, as
   * the drives list handed them out: a name the history holds only for that same card (serial,
   * model and size) is the device replacing itself, not a repeat.
   */
  'batch:preview': {
    args: flashRequestSchema.pick({ provisioning: true, counterStart: true, table: true }).extend({ cards: z.number().int().min(1).max(256), devices: z.array(z.string().min(1)).max(256).optional() }),
    result: z.object({ cards: z.array(cardPreviewSchema), repeatedNames: z.array(z.string()), rowsLeft: z.number().int().nonnegative().optional(), rowsUsed: z.array(z.number().int().positive()).optional() }),
  },
  /** Every hostname pattern's next number. */
  'batch:series': { args: z.object({}).default({}), result: z.object({ series: z.record(z.string(), z.number().int().nonnegative()) }) },
  /** Sets where a pattern's series continues ("continue from N"). */
  'batch:set-series': {
    args: z.object({ pattern: z.string().min(1).max(200), next: counterValueSchema }),
    result: z.object({ pattern: z.string(), next: z.number().int().nonnegative() }),
  },
});
