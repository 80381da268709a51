/**
 * The core as the Electron main process and the station serve it: the core's services
 * (services.ts), what clients may name, and the router over every domain's handlers. Each domain
 * contributes its handlers from electron/core/handlers/<domain>.ts; this file only composes them.
 */
import { ClientGrants } from './access/client-grants';
import { loadConfig, type AppConfig } from './config';
import type { CoreContext, HandlerFactory } from './core-context';
import { backupHandlers } from './handlers/backup';
import { batchHandlers } from './handlers/batch';
import { benchHandlers } from './handlers/bench';
import { buildHandlers } from './handlers/build';
import { catalogHandlers } from './handlers/catalog';
import { checkinHandlers } from './handlers/checkin';
import { drivesHandlers } from './handlers/drives';
import { flashHandlers } from './handlers/flash';
import { historyHandlers } from './handlers/history';
import { imagesHandlers } from './handlers/images';
import { onCardHandlers } from './handlers/on-card';
import { provisionHandlers } from './handlers/provision';
import { restoreHandlers } from './handlers/restore';
import { sourceHandlers } from './handlers/source';
import { sshKeysHandlers } from './handlers/ssh-keys';
import { createRouter, type Handlers, type Router } from './router';
import { CoreServices } from './services';

export interface CoreOptions {
  /** Folders whose images clients may write and create image files in (the station's --images). */
  imageFolders?: string[];
  /**
   * The on-card command may be changed by clients: true only for the desktop app, whose one client
   * is its own window. A station's browser may be on another machine; a command it set would run here.
   */
  onCardEditable?: boolean;
  /** A station's clients: URLs they give are fetched only from public addresses (default false: the app's own window). */
  publicFetchesOnly?: boolean;
  /** The clients are a station's browsers: they may write only the cards it lists, and never unmount (client-grants.ts). */
  station?: boolean;
}

export interface Core extends CoreContext {
  router: Router;
}

/** One line per domain (electron/core/handlers/<domain>.ts); channels must not overlap. */
const domains: HandlerFactory[] = [
  backupHandlers,
  batchHandlers,
  buildHandlers,
  catalogHandlers,
  checkinHandlers,
  drivesHandlers,
  flashHandlers,
  historyHandlers,
  imagesHandlers,
  onCardHandlers,
  provisionHandlers,
  restoreHandlers,
  sourceHandlers,
  sshKeysHandlers,
];

export function createCore(config: AppConfig = loadConfig(), options: CoreOptions = {}): Core {
  const grants = new ClientGrants({ cacheDir: config.cacheDir, imageFolders: options.imageFolders ?? [], station: options.station ?? false });
  const services = new CoreServices(config);
  // The app and the station run the command saved in the config folder after each card.
  services.onCardFromSetting = true;
  const ctx: CoreContext = Object.assign(services, { grants, onCardEditable: options.onCardEditable ?? false, publicFetchesOnly: options.publicFetchesOnly ?? false });
  const handlers: Partial<Handlers> = {};
  for (const factory of domains) Object.assign(handlers, factory(ctx));
  // Station mode starts its jobs through flash:start, so it comes after the domains.
  if (handlers['flash:start']) Object.assign(handlers, benchHandlers(ctx, handlers['flash:start']));
  return Object.assign(ctx, { router: createRouter(handlers, ctx.events) });
}
