/** Restoring a card to normal use over the router (electron/core/restore). */
import type { HandlerFactory } from '../app-core';
import { restoreDrive } from '../restore/restore-drive';

export const restoreHandlers: HandlerFactory = () => ({
  'restore:start': async (request) => restoreDrive(request),
});
