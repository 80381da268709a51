/**
 * The images domain over the router: downloads run in the background (images:download answers with
 * an id at once; images:progress follows each one to done, failed or cancelled), and the cache's
 * list / remove / prune.
 */
import { randomUUID } from 'node:crypto';
import { toErrorInfo } from '../../../shared/errors';
import type { ImagePhase, ImageProgress } from '../../../shared/domain/images';
import { refuseInternalImageUrl } from '../access/public-address';
import type { HandlerFactory } from '../core-context';
import { isUrl } from '../images/resolve-source';
import type { StepProgress } from '../images/image-service';

const stepPhase: Record<StepProgress['step'], ImagePhase> = {
  resolving: 'resolving',
  waiting: 'downloading',
  downloading: 'downloading',
  verifying: 'verifying',
};

export const imagesHandlers: HandlerFactory = (ctx) => {
  const service = ctx.images;
  const running = new Map<string, AbortController>();
  // "Remove after writing": the flash domain announces every finished job; its source names the entry.
  ctx.events.subscribe((event, payload) => {
    if (event === 'flash:done') void service.afterWrite(payload.source).catch(() => undefined);
  });

  return {
    'images:download': async ({ source, sha256, prepareRaw, removeAfterWrite, insecureSkipSignature }) => {
      // A catalog reference resolves to the catalog's own (configured) addresses; a URL is the client's.
      const publicOnly = ctx.publicFetchesOnly && isUrl(source);
      if (publicOnly) await refuseInternalImageUrl(source, ctx.config.iotImagesUrl);
      const downloadId = randomUUID();
      const controller = new AbortController();
      running.set(downloadId, controller);
      const base = { downloadId, source, bytes: 0, totalBytes: null, speed: 0, etaSeconds: null };
      const emit = (progress: ImageProgress) => ctx.events.emit('images:progress', progress);
      const options = {
        sha256, removeAfterWrite, insecureSkipSignature, publicOnly, signal: controller.signal,
        onProgress: (p: StepProgress) => emit({ ...base, ...p, phase: stepPhase[p.step] }),
      };
      const work = prepareRaw
        ? service.prepareSource(source, options)
        : service.fetch(source, options).then((entry) => ({ entry, path: service.cache.abs(entry.file) }));
      work
        .then(({ entry, path }) => emit({ ...base, phase: 'done', bytes: entry.size, totalBytes: entry.size, entry, path }))
        .catch((error) => {
          const info = toErrorInfo(error);
          emit({ ...base, phase: info.code === 'CANCELLED' ? 'cancelled' : 'failed', error: info });
        })
        .finally(() => running.delete(downloadId));
      return { downloadId };
    },
    'images:check-fetch': async ({ url }) => {
      if (ctx.publicFetchesOnly) await refuseInternalImageUrl(url, ctx.config.iotImagesUrl);
      return {};
    },
    'images:cancel': async ({ downloadId }) => {
      const controller = running.get(downloadId);
      controller?.abort();
      return { cancelled: Boolean(controller) };
    },
    'cache:list': () => service.cache.summary(),
    'cache:remove': async ({ ref }) => ({ removed: await service.cache.remove(ref) }),
    'cache:prune': ({ limitBytes }) => service.cache.prune(limitBytes ?? service.cache.limitBytes),
  };
};
