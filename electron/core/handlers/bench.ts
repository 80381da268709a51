/** Station mode over the router (electron/core/fleet/bench-writer.ts). */
import { flashRequestSchema, type FlashRequest } from '../../../shared/domain/flash';
import { refuseInternalImageUrl } from '../access/public-address';
import type { CoreContext } from '../core-context';
import { listDrives } from '../drives/list-drives';
import { driveListerFor } from '../drives/test-cards';
import { hasScheme } from '../image-source';
import { countTableRows } from '../fleet/bench-table';
import { isUrl } from '../images/resolve-source';
import { BenchWriter } from '../fleet/bench-writer';
import type { Handlers } from '../router';

type BenchHandlers = Pick<Handlers, 'bench:start' | 'bench:stop' | 'bench:status' | 'bench:retry' | 'bench:include' | 'bench:dismiss'>;

/** `startFlash` is the core's own flash:start, so bench jobs are recorded and reported like any other. */
export function benchHandlers(ctx: CoreContext, startFlash: Handlers['flash:start']): BenchHandlers {
  const listAll = driveListerFor(ctx.config);
  const bench = new BenchWriter({
    events: ctx.events,
    // The cards it lists are the core's own names: handed out like drives:list's, so flash:start admits them.
    list: async () => {
      const drives = await listDrives({ all: false }, listAll);
      ctx.grants.handOut(drives);
      return drives;
    },
    startFlash: (request: FlashRequest) => startFlash(flashRequestSchema.parse(request)),
    countTable: (request) => countTableRows(request, ctx.config.configDir),
  });
  return {
    'bench:start': async (request) => {
      // Checked now, not at the first card: a source the client may not read is refused at the switch.
      if (!hasScheme(request.source)) ctx.grants.admitSource(request.source);
      // So is an address a station does not fetch from (its own machine, without --fetch-local).
      if (ctx.publicFetchesOnly && isUrl(request.source)) await refuseInternalImageUrl(request.source, ctx.config.iotImagesUrl);
      return bench.start(request);
    },
    'bench:stop': async () => bench.stop(),
    'bench:status': async () => bench.status(),
    'bench:retry': async ({ device }) => bench.retry(device),
    'bench:include': async ({ device, identity }) => bench.include(device, identity),
    'bench:dismiss': async ({ device }) => bench.dismiss(device),
  };
}
