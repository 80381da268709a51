/**
 * A one-card writer task (provisioning a written card, restoring one) run the way a flash job is:
 * it holds a job slot and the card's lock in this process while the writer works, so two tasks
 * (or a task and a flash) never write one card at once, and the writer gets at the card the same
 * way (a descriptor from UDisks2; pkexec only where UDisks2 is absent).
 */
import type { Drive } from '../../../shared/domain/drive';
import { FiotError, isErrorCode } from '../../../shared/errors';
import { processFlashLocks, type FlashLocks } from './flash-locks';
import type { WriterHandle } from './writer-client';
import type { WriterCommand } from './writer-command';
import { writerAccess, type WriterAccessDeps } from './writer-access';

export interface WriterTaskDeps extends WriterAccessDeps {
  /** The job cap and per-target locks; default: the ones every front end in this process shares. */
  locks?: FlashLocks;
}

/** How the writer answers a one-card task: one message, ok with a result or not with an error. */
export interface TaskAnswer<R> {
  ok: boolean;
  result?: R | undefined;
  error?: { code: string; message: string; hint?: string | undefined } | undefined;
}

/** What the task's writer is started with: the command, and the card's inherited fd when UDisks2 opened it. */
export type StartTask<R> = (command: WriterCommand, descriptor: number | undefined, inherited: number[]) => WriterHandle<TaskAnswer<R>>;

export async function runWriterTask<R>(drive: Drive, deps: WriterTaskDeps, start: StartTask<R>): Promise<R> {
  const locks = deps.locks ?? processFlashLocks;
  const leaveJob = locks.enterJob();
  try {
    const unlock = locks.lockTargets([drive]);
    try {
      const access = await writerAccess([drive], deps);
      const fd = access.descriptors.get(drive.device);
      // Inherited descriptors follow stdin, stdout and stderr: the writer's fd 3.
      const answer = await start(access.command, fd === undefined ? undefined : 3, fd === undefined ? [] : [fd]).result;
      if (answer.ok && answer.result) return answer.result;
      const error = answer.error ?? { code: 'INTERNAL', message: 'The writer did not say how it went.' };
      throw new FiotError(isErrorCode(error.code) ? error.code : 'INTERNAL', error.message, error.hint);
    } finally {
      unlock();
    }
  } finally {
    leaveJob();
  }
}
