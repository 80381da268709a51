/**
 * The catalog domain over the router: the catalog from cache at once, a refresh on request (its
 * result also pushed as `catalog:changed` to every window), and the board profiles.
 */
import type { HandlerFactory } from '../core-context';

export const catalogHandlers: HandlerFactory = ({ catalog }) => {
  // Read the on-disk cache now, so the first window's catalog:get answers from memory.
  catalog.get().catch(() => undefined); // a failure here surfaces on the first catalog:get instead
  return {
    'catalog:get': () => catalog.get(),
    'catalog:refresh': () => catalog.refresh(),
    'catalog:inspect': ({ reference }) => catalog.inspect(reference),
    'boards:list': async () => ({ boards: catalog.boards() }),
  };
};
