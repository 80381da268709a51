/** The on-card command setting as the app shows it: the saved command, whether this window may change it, the draft. */
import { createStore } from 'zustand/vanilla';
import type { FiotApi } from '../../../../shared/contract';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';

export interface OnCardState {
  saved: string | null;
  draft: string;
  editable: boolean;
  loaded: boolean;
  busy: boolean;
  error: ErrorInfo | null;
  load(): Promise<void>;
  setDraft(draft: string): void;
  save(): Promise<void>;
}

export function createOnCardStore(api: Pick<FiotApi, 'invoke'>) {
  return createStore<OnCardState>()((set, get) => {
    const run = async (work: () => Promise<{ command: string | null; editable: boolean }>) => {
      set({ busy: true, error: null });
      try {
        const { command, editable } = await work();
        set({ saved: command, draft: command ?? '', editable, loaded: true });
      } catch (error) {
        set({ error: toErrorInfo(error) });
      } finally {
        set({ busy: false });
      }
    };
    return {
      saved: null,
      draft: '',
      editable: false,
      loaded: false,
      busy: false,
      error: null,
      load: () => run(() => api.invoke('on-card:get', {})),
      setDraft: (draft) => set({ draft, error: null }),
      save: () => run(() => api.invoke('on-card:set', { command: get().draft.trim() || null })),
    };
  });
}

export type OnCardStore = ReturnType<typeof createOnCardStore>;
