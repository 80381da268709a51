/**
 * The flash domain over the router: `flash:start` answers at once with the job's id, then
 * `flash:progress` and one `flash:done` follow on the event bus; `flash:cancel` stops a job.
 * Targets must be drives the core handed out, and local sources files the client was given.
 */
import { refuseInternalImageUrl } from '../access/public-address';
import type { HandlerFactory } from '../core-context';
import type { FlashJob } from '../flash/job';
import { checkSameCardsNow } from '../drives/same-card';
import { hasScheme } from '../image-source';
import { isUrl } from '../images/resolve-source';

export const flashHandlers: HandlerFactory = (ctx) => {
  const jobs = new Map<string, FlashJob>();
  return {
    'flash:start': async (request) => {
      ctx.grants.admitTargets(request.targets);
      if (!hasScheme(request.source)) ctx.grants.admitSource(request.source);
      // A retry names the cards that failed: another card in a reader is refused before the job exists.
      if (request.expectedCards?.length) await checkSameCardsNow(request.expectedCards);
      const publicOnly = ctx.publicFetchesOnly && isUrl(request.source);
      if (publicOnly) await refuseInternalImageUrl(request.source, ctx.config.iotImagesUrl);
      // A station's browser cannot confirm unmounting for the person at the machine: a mounted card is refused.
      const job = ctx.flash({ ...request, unmountConfirmed: (request.unmountConfirmed ?? false) && !ctx.grants.station }, ctx.grants.localResolver, { publicOnly });
      jobs.set(job.id, job);
      job.onProgress((progress) => ctx.events.emit('flash:progress', progress));
      void job.result.then((result) => {
        jobs.delete(job.id);
        ctx.events.emit('flash:done', result);
      });
      return { jobId: job.id };
    },
    'flash:cancel': async ({ jobId }) => {
      const job = jobs.get(jobId);
      if (!job) return { cancelled: false };
      job.cancel();
      return { cancelled: true };
    },
  };
};
