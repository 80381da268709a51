/**
 * The flash domain over the router: `flash:start` answers at once with the job's id, then
 * `flash:progress` and one `flash:done` follow on the event bus; `flash:cancel` stops a job.
 * Targets must be drives the core handed out, and local sources files the client was given.
 */
import type { CoreContext, HandlerFactory } from '../core-context';
import { startFlash, type FlashDeps, type FlashJob } from '../flash/job';
import { hasScheme } from '../flash/source';
import { flashRecorder } from '../history';
import { imageServiceFor } from './images';

/** `depsFor` lets other domains (the image cache, provisioning) hand the flash job what it needs. */
export function createFlashHandlers(depsFor: (ctx: CoreContext) => FlashDeps = () => ({})): HandlerFactory {
  return (ctx) => {
    const jobs = new Map<string, FlashJob>();
    return {
      'flash:start': async (request) => {
        ctx.grants.admitTargets(request.targets);
        if (!hasScheme(request.source)) ctx.grants.admitSource(request.source);
        // Every job the app or the station starts is logged in the flash history.
        const job = startFlash(request, { onFinished: flashRecorder(ctx.config.configDir), configDir: ctx.config.configDir, ...depsFor(ctx) });
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
}

export const flashHandlers = createFlashHandlers((ctx) => ({
  // URLs and catalog references come through the image cache (downloaded and verified once,
  // decompressed once); local files only where the client was given them.
  resolvers: [imageServiceFor(ctx).resolver(), ctx.grants.localResolver],
}));
