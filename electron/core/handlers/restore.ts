/** Restoring a card to normal use over the router (electron/core/restore): only a drive the core handed out. */
import type { HandlerFactory } from '../core-context';
import { restoreDrive } from '../restore/restore-drive';

export const restoreHandlers: HandlerFactory = ({ grants }) => ({
  'restore:start': async (request) => {
    grants.admitTargets([request.device]);
    // As for a flash: a station's browser cannot confirm unmounting for the person at the machine.
    return restoreDrive({ ...request, unmountConfirmed: (request.unmountConfirmed ?? false) && !grants.station });
  },
});
