/**
 * Keeps the drive watcher quiet while any flash job runs, by listening to the jobs' own events
 * on the bus: the flash domain does not need to know the watcher exists.
 */
import type { EventBus } from '../router';
import type { DriveWatcher } from './drive-watcher';

export function pauseDuringFlashes(events: EventBus, watcher: Pick<DriveWatcher, 'pause' | 'resume'>): () => void {
  const activeJobs = new Set<string>();
  return events.subscribe((event, payload) => {
    if (event === 'flash:progress' && !activeJobs.has(payload.jobId)) {
      activeJobs.add(payload.jobId);
      watcher.pause();
    } else if (event === 'flash:done' && activeJobs.delete(payload.jobId)) {
      watcher.resume();
    }
  });
}
