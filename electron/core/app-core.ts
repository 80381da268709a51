/**
 * The core as the Electron main process and the station serve it: the core's services
 * (services.ts), what clients may name, and the router over every domain's handlers. Each domain
 * contributes its handlers from electron/core/handlers/<domain>.ts; this file only composes them.
 */
import { ClientGrants } from './access/client-grants';
import { loadConfig, type AppConfig } from './config';
import type { CoreContext, HandlerFactory } from './core-context';
import { batchHandlers } from './handlers/batch';
import { benchHandlers } from './handlers/bench';
import { buildHandlers } from './handlers/build';
import { catalogHandlers } from './handlers/catalog';
import { checkinHandlers } from './handlers/checkin';
import { drivesHandlers } from './handlers/drives';
import { flashHandlers } from './handlers/flash';
import { historyHandlers } from './handlers/history';
import { imagesHandlers } from './handlers/images';
import { provisionHandlers } from './handlers/provision';
import { restoreHandlers } from './handlers/restore';
import { sourceHandlers } from './handlers/source';
import { sshKeysHandlers } from './handlers/ssh-keys';
import { createRouter, type Handlers, type Router } from './router';
import { CoreServices } from './services';

export interface CoreOptions {
  /** Folders whose images clients may write and create image files in (the station's --images). */
  imageFolders?: string[];
  /** A station's clients: URLs they give are fetched only from public addresses (default false: the app's own window). */
  publicFetchesOnly?: boolean;
}

export interface Core extends CoreContext {
  router: Router;
}

/** One line per domain (electron/core/handlers/<domain>.ts); channels must not overlap. */
const domains: HandlerFactory[] = [
  batchHandlers,
  buildHandlers,
  catalogHandlers,
  checkinHandlers,
  drivesHandlers,
  flashHandlers,
  historyHandlers,
  imagesHandlers,
  provisionHandlers,
  restoreHandlers,
  sourceHandlers,
  sshKeysHandlers,
];

export function createCore(config: AppConfig = loadConfig(), options: CoreOptions = {}): Core {
  const grants = new ClientGrants({ cacheDir: config.cacheDir, imageFolders: options.imageFolders ?? [] });
  const ctx: CoreContext = Object.assign(new CoreServices(config), { grants, publicFetchesOnly: options.publicFetchesOnly ?? false });
  const handlers: Partial<Handlers> = {};
  for (const factory of domains) Object.assign(handlers, factory(ctx));
  // Station mode starts its jobs through flash:start, so it comes after the domains.
  if (handlers['flash:start']) Object.assign(handlers, benchHandlers(ctx, handlers['flash:start']));
  return Object.assign(ctx, { router: createRouter(handlers, ctx.events) });
}
