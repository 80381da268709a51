/**
 * What each domain's handlers (electron/core/handlers/<domain>.ts) are built from: the core's
 * services and what clients may name. Its own module so the handlers and app-core.ts, which
 * composes them, do not import each other.
 */
import type { ClientGrants } from './access/client-grants';
import type { Handlers } from './router';
import type { CoreServices } from './services';

export interface CoreContext extends CoreServices {
  /** What the renderer and station clients may name: only what the core handed out. */
  grants: ClientGrants;
  /** Whether clients may change the on-card command: the desktop app's own window only, never a station. */
  onCardEditable: boolean;
  /**
   * Whether what clients ask the core to fetch (an image URL, a keys URL) must be on a public
   * address: a station's clients may not make it fetch from its own machine (access/public-address.ts).
   */
  publicFetchesOnly: boolean;
}

export type HandlerFactory = (ctx: CoreContext) => Partial<Handlers>;
