import { z } from 'zod';
import { driveSchema } from '../domain/drive';
import { defineEvents, defineRequests } from './define';

export const drivesRequests = defineRequests({
  'drives:list': {
    args: z.object({ all: z.boolean().default(false) }),
    result: z.object({ drives: z.array(driveSchema) }),
  },
});

export const drivesEvents = defineEvents({
  /** Pushed when drives come or go; paused while a card is being written. */
  'drives:changed': z.object({ drives: z.array(driveSchema) }),
});
