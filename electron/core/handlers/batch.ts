/** Fleet batches over the router: the summary before writing, and the hostname series. */
import type { HandlerFactory } from '../core-context';
import { cardsNow } from '../drives/same-card';
import { previewBatch } from '../provision/plan-flash';
import { SeriesStore } from '../provision/series-store';

export const batchHandlers: HandlerFactory = (ctx) => ({
  'batch:preview': async ({ cards, devices, ...request }) => {
    if (devices) ctx.grants.admitTargets(devices);
    return previewBatch(request, cards, ctx.config.configDir, devices && (await cardsNow(devices)));
  },
  'batch:series': async () => ({ series: await new SeriesStore(ctx.config.configDir).list() }),
  'batch:set-series': async ({ pattern, next }) => {
    await new SeriesStore(ctx.config.configDir).set(pattern, next);
    return { pattern, next };
  },
});
