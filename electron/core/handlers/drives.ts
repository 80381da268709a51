/**
 * The drives domain over the router: listing, resolving a named target (each drive handed out is
 * one a client may then name as a target), and `drives:changed`
 * pushed while someone is looking. Watching starts with the first listing (a UI that lists drives
 * wants to hear when they change; a one-shot CLI listing does not keep polling: the timer is unref'd).
 */
import type { HandlerFactory } from '../app-core';
import { DriveWatcher } from '../drives/drive-watcher';
import { listDrives } from '../drives/list-drives';
import { pauseDuringFlashes } from '../drives/pause-during-flash';
import { resolveTarget } from '../drives/resolve-target';

export const drivesHandlers: HandlerFactory = ({ events, grants }) => {
  const watcher = new DriveWatcher({
    list: () => listDrives({ all: false }),
    onChange: (drives) => events.emit('drives:changed', { drives }),
  });
  pauseDuringFlashes(events, watcher);
  return {
    'drives:list': async ({ all }) => {
      const drives = await listDrives({ all });
      watcher.start(all ? undefined : drives);
      grants.handOut(drives);
      return { drives };
    },
    'drives:resolve': async ({ path }) => {
      grants.admitTargetPath(path);
      const drive = await resolveTarget(path);
      grants.handOut([drive]);
      return { drive };
    },
  };
};
