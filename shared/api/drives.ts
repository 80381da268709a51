import { z } from 'zod';
import { driveSchema } from '../domain/drive';
import { defineEvents, defineRequests } from './define';

export const drivesRequests = defineRequests({
  'drives:list': {
    args: z.object({ all: z.boolean().default(false) }),
    result: z.object({ drives: z.array(driveSchema) }),
  },
  /** A target named by path (a loop device, or an image file to create): what drives:list cannot show. */
  'drives:resolve': {
    args: z.object({ path: z.string().min(1) }),
    result: z.object({ drive: driveSchema }),
  },
});

export const drivesEvents = defineEvents({
  /** Pushed when drives come or go; paused while a card is being written. */
  'drives:changed': z.object({ drives: z.array(driveSchema) }),
});
