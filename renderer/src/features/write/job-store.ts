/**
 * The flash job the user started: its request, live progress, and the result. Progress and the
 * result arrive as events that may beat the answer to flash:start (which carries the job id), so
 * events for an unknown job are held until the id is known.
 */
import { createStore } from 'zustand/vanilla';
import type { FiotApi } from '../../../../shared/contract';
import type { FlashProgress, FlashRequest, FlashResult } from '../../../../shared/domain/flash';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';
import { trackCards, type CardTrack } from './card-track';
import { hasCardsToRetry } from './stale-result';

export type JobStatus = 'idle' | 'starting' | 'running' | 'cancelling' | 'finished';

export interface JobState {
  status: JobStatus;
  jobId: string | null;
  request: FlashRequest | null;
  progress: FlashProgress | null;
  /** Each card's own phase, bytes, speed and position, by device. */
  cards: Record<string, CardTrack>;
  result: FlashResult | null;
  /** The job could not start (bad input, refused target): nothing was written. */
  error: ErrorInfo | null;
  /** A retry found another card where a failed one was (CARD_CHANGED): the question to erase it, naming it. */
  changedCard: ErrorInfo | null;
  start(request: FlashRequest): Promise<void>;
  /**
   * Rewrites only the cards that failed, each with the values it was given (its {n}; its table row
   * comes back first), and only while each is the same card; `eraseOther`: the user agreed to erase
   * the card now in a failed card's reader.
   */
  retryFailed(eraseOther?: boolean): Promise<void>;
  cancel(): Promise<void>;
  reset(): void;
  /**
   * A finished job's result no longer stands for the next write: back to the plan. Unless
   * `keepCardsToRetry` and some cards failed: their Retry stays (it checks each card is the same one).
   */
  setAside(options?: { keepCardsToRetry?: boolean }): void;
  /** Subscribes to flash:progress and flash:done; returns the unsubscribe. */
  watch(): () => void;
}

export function isBusy(status: JobStatus): boolean {
  return status === 'starting' || status === 'running' || status === 'cancelling';
}

export function createJobStore(api: Pick<FiotApi, 'invoke' | 'on'>) {
  return createStore<JobState>()((set, get) => {
    const early = { progress: new Map<string, FlashProgress>(), done: new Map<string, FlashResult>() };

    const applyProgress = (progress: FlashProgress) => {
      if (get().status === 'running' || get().status === 'cancelling') set({ progress, cards: trackCards(get().cards, progress, Date.now()) });
    };
    const applyDone = (result: FlashResult) => set({ result, status: 'finished' });

    return {
      status: 'idle',
      jobId: null,
      request: null,
      progress: null,
      cards: {},
      result: null,
      error: null,
      changedCard: null,

      async start(request) {
        if (isBusy(get().status)) return;
        early.progress.clear();
        early.done.clear();
        set({ status: 'starting', request, jobId: null, progress: null, cards: {}, result: null, error: null, changedCard: null });
        try {
          const { jobId } = await api.invoke('flash:start', request);
          set({ jobId, status: 'running' });
          const progress = early.progress.get(jobId);
          if (progress) applyProgress(progress);
          const done = early.done.get(jobId);
          if (done) applyDone(done);
        } catch (error) {
          set({ status: 'idle', error: toErrorInfo(error) });
        }
      },

      async retryFailed(eraseOther = false) {
        const { request, result } = get();
        if (!request || !result) return;
        const failed = result.targets.filter((t) => t.state === 'failed' || t.state === 'cancelled');
        if (!failed.length) return;
        const numbers = failed.map((t) => t.n);
        const { counterStart: _restart, expectedCards: _expected, ...again } = request;
        const expectedCards = failed.flatMap((t) => (t.identity ? [{ device: t.device, identity: t.identity }] : []));
        await get().start({
          ...again,
          targets: failed.map((t) => t.device),
          // Numbers the failed cards were given: the series does not move, and their names are not new.
          ...(numbers.every((n): n is number => n !== undefined) ? { cardNumbers: numbers } : {}),
          ...(expectedCards.length && !eraseOther ? { expectedCards } : {}),
        });
        // Another card in a failed card's reader: nothing was written; the result stays, with the question.
        const { error } = get();
        if (error?.code === 'CARD_CHANGED') set({ status: 'finished', request, result, error: null, changedCard: error });
      },

      async cancel() {
        const { jobId, status } = get();
        if (!jobId || status !== 'running') return;
        set({ status: 'cancelling' });
        try {
          await api.invoke('flash:cancel', { jobId });
        } catch (error) {
          set({ status: 'running', error: toErrorInfo(error) });
        }
      },

      reset() {
        if (isBusy(get().status)) return;
        set({ status: 'idle', jobId: null, request: null, progress: null, cards: {}, result: null, error: null, changedCard: null });
      },

      setAside({ keepCardsToRetry = false } = {}) {
        const { status, result } = get();
        if (status !== 'finished' || (keepCardsToRetry && hasCardsToRetry(result))) return;
        get().reset();
      },

      watch() {
        const offProgress = api.on('flash:progress', (progress) => {
          if (progress.jobId === get().jobId) applyProgress(progress);
          else if (get().status === 'starting') early.progress.set(progress.jobId, progress);
        });
        const offDone = api.on('flash:done', (result) => {
          if (result.jobId === get().jobId) applyDone(result);
          else if (get().status === 'starting') early.done.set(result.jobId, result);
        });
        return () => {
          offProgress();
          offDone();
        };
      },
    };
  });
}

export type JobStore = ReturnType<typeof createJobStore>;
