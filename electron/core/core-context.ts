/**
 * What each domain's handlers (electron/core/handlers/<domain>.ts) are built from. Its own module
 * so the handlers and app-core.ts, which composes them, do not import each other.
 */
import type { ClientGrants } from './access/client-grants';
import type { AppConfig } from './config';
import type { EventBus, Handlers } from './router';

export interface CoreContext {
  config: AppConfig;
  events: EventBus;
  /** What the renderer and station clients may name: only what the core handed out. */
  grants: ClientGrants;
}

export type HandlerFactory = (ctx: CoreContext) => Partial<Handlers>;

/** What a domain that serves the CLI too needs: no client grants (the CLI's person names any file). */
export type ServiceContext = Pick<CoreContext, 'config' | 'events'>;
