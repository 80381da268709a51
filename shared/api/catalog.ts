import { z } from 'zod';
import { boardSchema } from '../domain/board';
import { catalogSchema } from '../domain/catalog';
import { defineEvents, defineRequests } from './define';

export const catalogRequests = defineRequests({
  /** The catalog as known now (cache or embedded snapshot): answers at once, never waits on the network. */
  'catalog:get': { args: z.object({}), result: catalogSchema },
  /** Asks every source again, in parallel; failed sources show in `sources`, never as an error. */
  'catalog:refresh': { args: z.object({}), result: catalogSchema },
  'boards:list': { args: z.object({}), result: z.object({ boards: z.array(boardSchema) }) },
});

export const catalogEvents = defineEvents({
  /** Pushed after every refresh, so open windows update without asking. */
  'catalog:changed': catalogSchema,
});
