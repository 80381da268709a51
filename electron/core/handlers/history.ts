/** The history domain over the router: the cards written, newest first, as entries or as CSV. */
import type { HandlerFactory } from '../core-context';
import { withCheckins } from '../checkin/checkin-log';
import { exportBatch, historyCsv, readEntries } from '../history';

export const historyHandlers: HandlerFactory = (ctx) => ({
  'history:list': async ({ limit }) => ({ entries: await withCheckins(ctx.config.configDir, await readEntries(ctx.config.configDir, limit)) }),
  'history:export': async ({ limit }) => ({ csv: historyCsv(await readEntries(ctx.config.configDir, limit)) }),
  'history:batch': async ({ jobId, format }) => exportBatch(await readEntries(ctx.config.configDir), format, jobId),
});
