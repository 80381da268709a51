/**
 * The build domain over the router: preflight checklist, start (answers with the id at once;
 * log lines, progress and the result follow as events), cancel, history. An output folder, when
 * a client names one, must lie in a folder granted for image files, like any other file it writes.
 */
import type { HandlerFactory } from '../core-context';

export const buildHandlers: HandlerFactory = ({ builds, events, grants }) => {
  return {
    'build:preflight': async ({ arch, outputDir }) => {
      if (outputDir) grants.admitTargetPath(outputDir);
      return { checks: await builds.preflight(arch, outputDir) };
    },
    'build:start': async (request) => {
      if (request.outputDir) grants.admitTargetPath(request.outputDir);
      const job = builds.start(request, {
        log: (line) => events.emit('build:log', line),
        progress: (progress) => events.emit('build:progress', progress),
      });
      void job.done.then(({ record, preflight }) => events.emit('build:done', { buildId: job.id, ok: record.status === 'succeeded', record, preflight }));
      return { buildId: job.id };
    },
    'build:cancel': async ({ buildId }) => ({ cancelled: await builds.cancel(buildId) }),
    'build:history': async () => ({ builds: builds.history.list() }),
  };
};
