/**
 * The catalog domain over the router: the catalog from cache at once, a refresh on request (its
 * result also pushed as `catalog:changed` to every window), and the board profiles.
 */
import type { HandlerFactory } from '../app-core';
import { CatalogService } from '../catalog/service';

export const catalogHandlers: HandlerFactory = ({ config, events }) => {
  const service = new CatalogService({ config, onChange: (catalog) => events.emit('catalog:changed', catalog) });
  // Read the on-disk cache now, so the first window's catalog:get answers from memory.
  service.get().catch(() => undefined); // a failure here surfaces on the first catalog:get instead
  return {
    'catalog:get': () => service.get(),
    'catalog:refresh': () => service.refresh(),
    'catalog:inspect': ({ reference }) => service.inspect(reference),
    'boards:list': async () => ({ boards: service.boards() }),
  };
};
