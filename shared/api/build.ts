import { z } from 'zod';
import {
  buildArchSchema,
  buildDoneSchema,
  buildLogSchema,
  buildProgressSchema,
  buildRecordSchema,
  buildRequestSchema,
  preflightCheckSchema,
} from '../domain/build';
import { defineEvents, defineRequests } from './define';

export const buildRequests = defineRequests({
  /** Checks this machine before a build: the UI shows the list with a fix for each failure. */
  'build:preflight': {
    args: z.object({ arch: buildArchSchema, outputDir: z.string().optional() }),
    result: z.object({ checks: z.array(preflightCheckSchema) }),
  },
  /** Starts a build and answers at once with its id; log lines, progress and the result arrive as events. */
  'build:start': { args: buildRequestSchema, result: z.object({ buildId: z.string() }) },
  'build:cancel': { args: z.object({ buildId: z.string() }), result: z.object({ cancelled: z.boolean() }) },
  'build:history': { args: z.object({}), result: z.object({ builds: z.array(buildRecordSchema) }) },
});

export const buildEvents = defineEvents({
  'build:log': buildLogSchema,
  'build:progress': buildProgressSchema,
  'build:done': buildDoneSchema,
});
