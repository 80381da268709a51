/**
 * The drives domain over the router: listing, resolving a named target (each drive handed out is
 * one a client may then name as a target), and `drives:changed`
 * pushed while someone is looking. Watching starts with the first listing (a UI that lists drives
 * wants to hear when they change; a one-shot CLI listing does not keep polling: the timer is unref'd).
 */
import type { HandlerFactory } from '../core-context';
import { DriveWatcher } from '../drives/drive-watcher';
import { listDrives } from '../drives/list-drives';
import { pauseDuringFlashes } from '../drives/pause-during-flash';
import { resolveTarget } from '../drives/resolve-target';
import { driveListerFor } from '../drives/test-cards';

export const drivesHandlers: HandlerFactory = ({ config, events, grants }) => {
  const listAll = driveListerFor(config);
  const watcher = new DriveWatcher({
    list: () => listDrives({ all: false }, listAll),
    onChange: (drives) => events.emit('drives:changed', { drives }),
  });
  pauseDuringFlashes(events, watcher);
  return {
    'drives:list': async ({ all }) => {
      const drives = await listDrives({ all }, listAll);
      watcher.start(all ? undefined : drives);
      grants.handOut(drives);
      return { drives };
    },
    'drives:resolve': async ({ path }) => {
      grants.admitTargetPath(path);
      const resolved = await resolveTarget(path);
      // The listing knows which drives are cards (a stand-in test card is a loop device it lists as removable).
      const drive = resolved.kind === 'file' ? resolved : ((await listAll()).find((d) => d.device === resolved.device) ?? resolved);
      grants.admitResolved(drive);
      grants.handOut([drive]);
      return { drive };
    },
  };
};
