import { z } from 'zod';
import { boardSchema } from '../domain/board';
import { catalogEntrySchema, catalogSchema } from '../domain/catalog';
import { defineEvents, defineRequests } from './define';

export const catalogRequests = defineRequests({
  /** The catalog as known now (cache or embedded snapshot): answers at once, never waits on the network. */
  'catalog:get': { args: z.object({}), result: catalogSchema },
  /** Asks every source again, in parallel; failed sources show in `sources`, never as an error. */
  'catalog:refresh': { args: z.object({}), result: catalogSchema },
  /** Looks up a user's own bootc container (registry/repository:tag): platforms, labels, digest. */
  'catalog:inspect': { args: z.object({ reference: z.string().min(1).max(512) }), result: catalogEntrySchema },
  'boards:list': { args: z.object({}), result: z.object({ boards: z.array(boardSchema) }) },
});

export const catalogEvents = defineEvents({
  /** Pushed after every refresh, so open windows update without asking. */
  'catalog:changed': catalogSchema,
});
