/** "Restore to an empty drive": the card chosen, its label, and how the restore went. */
import { createStore } from 'zustand/vanilla';
import type { FiotApi } from '../../../../shared/contract';
import { DEFAULT_RESTORE_LABEL, type RestoreResult } from '../../../../shared/domain/restore';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';

export interface RestoreState {
  device: string | null;
  label: string;
  running: boolean;
  result: RestoreResult | null;
  error: ErrorInfo | null;
  choose(device: string | null): void;
  setLabel(label: string): void;
  /** `unmountConfirmed`: the person saw that the drive is mounted and confirmed erasing it anyway. */
  restore(unmountConfirmed?: boolean): Promise<void>;
}

export function createRestoreStore(api: Pick<FiotApi, 'invoke'>) {
  return createStore<RestoreState>()((set, get) => ({
    device: null,
    label: DEFAULT_RESTORE_LABEL,
    running: false,
    result: null,
    error: null,
    choose: (device) => set({ device, result: null, error: null }),
    setLabel: (label) => set({ label, error: null }),
    async restore(unmountConfirmed = false) {
      const { device, label, running } = get();
      if (!device || running) return;
      set({ running: true, result: null, error: null });
      try {
        set({ result: await api.invoke('restore:start', { device, label, unmountConfirmed }) });
      } catch (error) {
        set({ error: toErrorInfo(error) });
      } finally {
        set({ running: false });
      }
    },
  }));
}

export type RestoreStore = ReturnType<typeof createRestoreStore>;
