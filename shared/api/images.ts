import { z } from 'zod';
import { cacheEntrySchema, cacheSummarySchema, downloadRequestSchema, imageProgressSchema } from '../domain/images';
import { defineEvents, defineRequests } from './define';

export const imagesRequests = defineRequests({
  /** Starts a download (or finds the image cached) and answers at once; images:progress follows it to done. */
  'images:download': { args: downloadRequestSchema, result: z.object({ downloadId: z.string() }) },
  'images:cancel': { args: z.object({ downloadId: z.string() }), result: z.object({ cancelled: z.boolean() }) },
  /**
   * Whether the core would fetch from `url` for this client, asked before a catalog image is chosen
   * to be written while it downloads: a station refuses its own machine (unless --fetch-local) with
   * LOCAL_ADDRESS_REFUSED, said at the choice rather than at the write. Nothing is fetched.
   */
  'images:check-fetch': { args: z.object({ url: z.string().url().max(4096) }), result: z.object({}) },
  'cache:list': { args: z.object({}), result: cacheSummarySchema },
  /** `ref`: a sha256 (or its first 12+ hex digits), a file name, a URL or a catalog reference. */
  'cache:remove': { args: z.object({ ref: z.string().min(1) }), result: z.object({ removed: z.array(cacheEntrySchema) }) },
  /** Removes least recently used entries until the cache fits `limitBytes` (default: the configured limit; 0 empties it) and deletes leftovers. */
  'cache:prune': { args: z.object({ limitBytes: z.number().int().nonnegative().optional() }), result: z.object({ removed: z.array(cacheEntrySchema), freedBytes: z.number().nonnegative() }) },
});

export const imagesEvents = defineEvents({
  'images:progress': imageProgressSchema,
});
