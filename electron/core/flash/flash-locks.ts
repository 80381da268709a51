/**
 * Two jobs never write the same card or image file, and only so many jobs run at once: each job
 * holds a slot while it runs and a lock on each of its targets (by identity: a disk under any of
 * its names, a file under any of its links) from the checks until the writer is done. Across
 * processes, the writer's exclusive open (O_EXCL on a block device, O_CREAT | O_EXCL on a new
 * file) does the same.
 */
import type { Drive } from '../../../shared/domain/drive';
import { FiotError } from '../../../shared/errors';
import { targetKeys } from '../drives/target-identity';

/** Each job runs its own writer and decoder; more than this at once only slows every card down. */
export const MAX_CONCURRENT_FLASH_JOBS = 4;

export class FlashLocks {
  private running = 0;
  private readonly held = new Set<string>();

  constructor(readonly maxJobs = MAX_CONCURRENT_FLASH_JOBS) {}

  /** A slot for one more job; the returned function gives it back. */
  enterJob(): () => void {
    if (this.running >= this.maxJobs) {
      throw new FiotError('TOO_MANY_JOBS', `${this.running} flash jobs are already running; this app runs at most ${this.maxJobs} at once.`);
    }
    this.running += 1;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.running -= 1;
    };
  }

  /** Locks every target, or none when another job holds any of them; the returned function unlocks. */
  lockTargets(drives: Drive[]): () => void {
    const wanted = drives.map((drive) => ({ device: drive.device, keys: targetKeys(drive) }));
    for (const { device, keys } of wanted) {
      if (keys.some((key) => this.held.has(key))) {
        throw new FiotError('TARGET_BUSY', `${device} is already being written by another job.`, 'Wait for that job to finish, or choose another target.');
      }
    }
    const keys = wanted.flatMap((w) => w.keys);
    for (const key of keys) this.held.add(key);
    return () => {
      for (const key of keys) this.held.delete(key);
    };
  }
}

/** Shared by every front end in this process: the desktop window, the station's clients, the CLI. */
export const processFlashLocks = new FlashLocks();
