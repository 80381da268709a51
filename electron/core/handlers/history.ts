/** The history domain over the router: the cards written, newest first, as entries or as CSV. */
import type { HandlerFactory } from '../core-context';
import { withCheckins } from '../checkin/checkin-log';
import { exportBatch, historyCsv, readEntries } from '../history';

export const historyHandlers: HandlerFactory = (ctx) => {
  // Each card with its check-in, when it had one.
  const read = async (limit?: number) => withCheckins(ctx.config.configDir, await readEntries(ctx.config.configDir, limit));
  return {
    'history:list': async ({ limit }) => ({ entries: await read(limit) }),
    'history:export': async ({ limit }) => ({ csv: historyCsv(await read(limit)) }),
    'history:batch': async ({ jobId, format }) => exportBatch(await read(), format, jobId),
  };
};
