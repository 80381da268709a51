/**
 * The card bench as the page sees it: whether the core is writing every card inserted, and each
 * reader slot's card, name, phase and progress (pushed as bench:changed). The writing itself runs
 * in the core (electron/core/fleet/bench-writer.ts), so closing this page does not stop a bench.
 */
import { createStore } from 'zustand/vanilla';
import type { BenchRequest, BenchStatus } from '../../../../shared/api/bench';
import type { FiotApi } from '../../../../shared/contract';
import type { CardIdentity } from '../../../../shared/domain/drive';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';

export interface BenchState {
  status: BenchStatus;
  busy: boolean;
  error: ErrorInfo | null;
  load(): Promise<void>;
  start(request: BenchRequest): Promise<void>;
  stop(): Promise<void>;
  /** Writes a failed card again while the same card is in its reader. */
  retry(device: string): Promise<void>;
  /** "Write this one too": a card that was in its reader before the session started, once confirmed. */
  include(device: string, identity?: CardIdentity): Promise<void>;
  /** Forgets the slot of a card taken out, once the person has read it. */
  dismiss(device: string): Promise<void>;
  /** Subscribes to bench:changed; returns the unsubscribe. */
  watch(): () => void;
}

export function createBenchStore(api: Pick<FiotApi, 'invoke' | 'on'>) {
  return createStore<BenchState>()((set) => {
    const run = async (work: () => Promise<BenchStatus>) => {
      set({ busy: true, error: null });
      try {
        set({ status: await work() });
      } catch (error) {
        set({ error: toErrorInfo(error) });
      } finally {
        set({ busy: false });
      }
    };
    return {
      status: { active: false, slots: [] },
      busy: false,
      error: null,
      load: () => run(() => api.invoke('bench:status', {})),
      start: (request) => run(() => api.invoke('bench:start', request)),
      stop: () => run(() => api.invoke('bench:stop', {})),
      retry: (device) => run(() => api.invoke('bench:retry', { device })),
      include: (device, identity) => run(() => api.invoke('bench:include', { device, ...(identity ? { identity } : {}) })),
      dismiss: (device) => run(() => api.invoke('bench:dismiss', { device })),
      watch: () => api.on('bench:changed', (status) => set({ status })),
    };
  });
}

export type BenchStore = ReturnType<typeof createBenchStore>;
