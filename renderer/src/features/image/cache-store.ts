/** The image cache as the settings view shows it: entries, sizes, remove and prune. */
import { createStore } from 'zustand/vanilla';
import type { FiotApi } from '../../../../shared/contract';
import type { CacheSummary } from '../../../../shared/domain/images';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';

export interface CacheState {
  summary: CacheSummary | null;
  busy: boolean;
  error: ErrorInfo | null;
  load(): Promise<void>;
  remove(sha256: string): Promise<void>;
  /** To the configured limit, or everything with `all`. */
  prune(all?: boolean): Promise<void>;
}

export function createCacheStore(api: Pick<FiotApi, 'invoke'>) {
  return createStore<CacheState>()((set) => {
    const run = async (work: () => Promise<unknown>) => {
      set({ busy: true, error: null });
      try {
        await work();
        set({ summary: await api.invoke('cache:list', {}) });
      } catch (error) {
        set({ error: toErrorInfo(error) });
      } finally {
        set({ busy: false });
      }
    };
    return {
      summary: null,
      busy: false,
      error: null,
      load: () => run(async () => undefined),
      remove: (sha256) => run(() => api.invoke('cache:remove', { ref: sha256 })),
      prune: (all = false) => run(() => api.invoke('cache:prune', all ? { limitBytes: 0 } : {})),
    };
  });
}

export type CacheStore = ReturnType<typeof createCacheStore>;

/** "No images", "1 image", "3 images": the cache's count in words. */
export function imageCountWords(count: number): string {
  return count === 0 ? 'No images' : count === 1 ? '1 image' : `${count} images`;
}
