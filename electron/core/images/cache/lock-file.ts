/**
 * Cross-process lock files for the cache. A lock is taken by hard-linking a fully written temp file
 * onto the lock path (link fails with EEXIST atomically, and nobody ever reads a half-written
 * lock). A lock whose owner process on this machine is gone is stale and is broken, so a crash or
 * a kill -9 never wedges the cache.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { FiotError } from '../../../../shared/errors';

interface Owner {
  pid: number;
  host: string;
  token: string;
}

export type Release = () => Promise<void>;

export interface LockOptions {
  signal?: AbortSignal;
  pollMs?: number;
  /** Called once when the lock is held by someone else and we start waiting. */
  onWait?: () => void;
}

let counter = 0;

export async function acquireLock(lockPath: string, options: LockOptions = {}): Promise<Release> {
  const { signal, pollMs = 100 } = options;
  const owner: Owner = { pid: process.pid, host: os.hostname(), token: `${process.pid}-${Date.now()}-${++counter}` };
  const tmp = `${lockPath}.${owner.token}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(owner));
  let waited = false;
  try {
    for (;;) {
      try {
        await fs.link(tmp, lockPath);
        return async () => {
          // Only remove the lock if it is still ours (a stale-breaker may have replaced it).
          const current = await readOwner(lockPath);
          if (current?.token === owner.token) await fs.rm(lockPath, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      await breakIfStale(lockPath);
      if (!waited) {
        waited = true;
        options.onWait?.();
      }
      if (signal?.aborted) throw new FiotError('CANCELLED', 'Cancelled while waiting for another download of the same image.');
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

async function readOwner(lockPath: string): Promise<Owner | null> {
  try {
    return JSON.parse(await fs.readFile(lockPath, 'utf8')) as Owner;
  } catch {
    return null;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function breakIfStale(lockPath: string): Promise<void> {
  const owner = await readOwner(lockPath);
  if (!owner || owner.host !== os.hostname() || isAlive(owner.pid)) return;
  // Move the stale lock aside rather than deleting it: rename is atomic, so when two waiters both
  // see it stale only one takes it away, and the other's rename fails harmlessly.
  const aside = `${lockPath}.stale-${process.pid}-${++counter}`;
  try {
    await fs.rename(lockPath, aside);
  } catch {
    return;
  }
  const moved = await readOwner(aside);
  if (moved && moved.token !== owner.token) {
    // We moved a fresh lock someone took in between: put it back (link fails if yet another appeared).
    await fs.link(aside, lockPath).catch(() => undefined);
  }
  await fs.rm(aside, { force: true });
}

/** Runs `work` while holding the lock. */
export async function withLock<T>(lockPath: string, work: () => Promise<T>, options?: LockOptions): Promise<T> {
  const release = await acquireLock(lockPath, options);
  try {
    return await work();
  } finally {
    await release();
  }
}

/** True when a live process holds the lock right now. */
export async function isLocked(lockPath: string): Promise<boolean> {
  const owner = await readOwner(lockPath);
  return owner !== null && (owner.host !== os.hostname() || isAlive(owner.pid));
}
