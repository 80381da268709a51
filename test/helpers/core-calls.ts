/**
 * Calling a core's router the way a front end does, for tests that drive the core in-process:
 * `call` returns the value or throws the error (its code kept), `flashDone` waits for one job's end.
 */
import type { Core } from '../../electron/core/app-core';
import type { FlashResult } from '../../shared/domain/flash';

export function coreCalls(core: () => Core) {
  return {
    async call<T>(channel: string, args: unknown): Promise<T> {
      const answer = await core().router.handle(channel, args);
      if (!answer.ok) throw Object.assign(new Error(`${answer.error.code}: ${answer.error.message}`), { code: answer.error.code });
      return answer.value as T;
    },
    flashDone(jobId: string): Promise<FlashResult> {
      return new Promise((resolve) => {
        const stop = core().events.subscribe((event, payload) => {
          if (event !== 'flash:done' || (payload as FlashResult).jobId !== jobId) return;
          stop();
          resolve(payload as FlashResult);
        });
      });
    },
  };
}
