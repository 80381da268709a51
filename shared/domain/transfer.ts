import { z } from 'zod';

/** How far a download or a flash phase has come, as ProgressMeter (shared/progress-meter.ts) measures it. */
export const transferProgressSchema = z.object({
  /** Bytes done so far (in a flash: of the decompressed image, in this phase). */
  bytes: z.number().nonnegative(),
  totalBytes: z.number().nonnegative().nullable(),
  /** Bytes per second over the last few seconds. */
  speed: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type TransferProgress = z.infer<typeof transferProgressSchema>;
