/**
 * The build domain over the router: preflight checklist, start (answers with the id at once;
 * log lines, progress and the result follow as events), cancel, history.
 */
import type { HandlerFactory } from '../app-core';
import { BuildManager } from '../build/build-manager';

export const buildHandlers: HandlerFactory = ({ config, events }) => {
  const builds = new BuildManager(config);
  return {
    'build:preflight': async ({ arch, outputDir }) => ({ checks: await builds.preflight(arch, outputDir) }),
    'build:start': async (request) => {
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
