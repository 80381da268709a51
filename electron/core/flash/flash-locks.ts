/**
 * Two jobs never write the same card or image file, and only so many jobs run at once: each job
 * holds a slot while it runs and a lock on each of its targets (by identity: a disk under any of
 * its names, a file under any of its links) from the checks until the writer is done. Across
 * processes, the writer's exclusive open (O_EXCL on a block device, O_CREAT | O_EXCL on a new
 * file) does the same.
 *
 * A running bench session claims each card inserted while it runs, from insertion until the card
 * is pulled out: a job started by hand refuses a claimed card (SESSION_CARD), and the session
 * never claims a card a job holds.
 */
import type { Drive } from '../../../shared/domain/drive';
import { FiotError } from '../../../shared/errors';
import { targetKeys } from '../drives/target-identity';

/** Each job runs its own writer and decoder; more than this at once only slows every card down. */
export const MAX_CONCURRENT_FLASH_JOBS = 4;

export class FlashLocks {
  private running = 0;
  private readonly held = new Set<string>();
  /** Claimed card keys and device paths, each with the session holding it. */
  private readonly claims = new Map<string, string>();

  constructor(readonly maxJobs = MAX_CONCURRENT_FLASH_JOBS) {}

  /** How many more jobs may start now. */
  freeJobs(): number {
    return Math.max(0, this.maxJobs - this.running);
  }

  /** True when a running job holds this card. */
  isHeld(drive: Drive): boolean {
    return targetKeys(drive).some((key) => this.held.has(key));
  }

  /** The session's claim on a card, by its device path and its identity; the returned function releases it. */
  claim(drive: Drive, session: string): () => void {
    const keys = [`device:${drive.device}`, ...targetKeys(drive)];
    for (const key of keys) this.claims.set(key, session);
    return () => {
      for (const key of keys) if (this.claims.get(key) === session) this.claims.delete(key);
    };
  }

  /** Refuses, by path, targets a session claimed for a job that is not that session's: before any check runs. */
  refuseClaimed(devices: string[], session?: string): void {
    for (const device of devices) this.refuseClaim(device, this.claims.get(`device:${device}`), session);
  }

  private refuseClaim(device: string, owner: string | undefined, session: string | undefined): void {
    if (owner !== undefined && owner !== session) {
      throw new FiotError('SESSION_CARD', `${device} was inserted while the card bench is on: the bench writes it.`);
    }
  }

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

  /**
   * Locks every target, or none when another job holds any of them or a session other than
   * `session` claimed one; the returned function unlocks.
   */
  lockTargets(drives: Drive[], session?: string): () => void {
    const wanted = drives.map((drive) => ({ device: drive.device, keys: targetKeys(drive) }));
    for (const { device, keys } of wanted) {
      for (const key of keys) this.refuseClaim(device, this.claims.get(key), session);
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
