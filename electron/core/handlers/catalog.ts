/**
 * The catalog domain over the router: the catalog from cache at once, a refresh on request (its
 * result also pushed as `catalog:changed` to every window), and the board profiles.
 */
import type { ServiceContext } from '../core-context';
import type { Handlers } from '../router';
import { CatalogService } from '../catalog/service';

const services = new WeakMap<ServiceContext, CatalogService>();

/** One catalog per core, whichever domain asks (the images domain resolves references through it). */
function catalogServiceFor(ctx: ServiceContext): CatalogService {
  let service = services.get(ctx);
  if (!service) {
    service = new CatalogService({ config: ctx.config, onChange: (catalog) => ctx.events.emit('catalog:changed', catalog) });
    // Read the on-disk cache now, so the first window's catalog:get answers from memory.
    service.get().catch(() => undefined); // a failure here surfaces on the first catalog:get instead
    services.set(ctx, service);
  }
  return service;
}

export const catalogHandlers = (ctx: ServiceContext): Partial<Handlers> => {
  const service = catalogServiceFor(ctx);
  return {
    'catalog:get': () => service.get(),
    'catalog:refresh': () => service.refresh(),
    'catalog:inspect': ({ reference }) => service.inspect(reference),
    'boards:list': async () => ({ boards: service.boards() }),
  };
};
