/** "Save a card as an image": the card chosen, where the image goes, whether its identity is cleared, and how it went. */
import { createStore } from 'zustand/vanilla';
import type { FiotShell } from '../../../../shared/bridge';
import type { FiotApi } from '../../../../shared/contract';
import { defaultBackupName, type BackupResult } from '../../../../shared/domain/backup';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';

export interface BackupState {
  /** The desktop app chooses the file with its save dialog; a station's page names a file in its images folder. */
  desktop: boolean;
  device: string | null;
  /** A path chosen with Save as… (desktop), or a file name for the station's images folder. */
  output: string;
  clearIdentity: boolean;
  running: boolean;
  result: BackupResult | null;
  error: ErrorInfo | null;
  choose(device: string | null): void;
  setOutput(output: string): void;
  setClearIdentity(clear: boolean): void;
  /** Desktop only: the native save dialog; the chosen folder is granted in the core. */
  chooseFile(): Promise<void>;
  save(): Promise<void>;
}

export function createBackupStore(api: Pick<FiotApi, 'invoke'>, shell: Pick<FiotShell, 'saveImage'> | null) {
  return createStore<BackupState>()((set, get) => ({
    desktop: shell !== null,
    device: null,
    output: shell ? '' : defaultBackupName(),
    clearIdentity: true,
    running: false,
    result: null,
    error: null,
    choose: (device) => set({ device, result: null, error: null }),
    setOutput: (output) => set({ output, error: null }),
    setClearIdentity: (clearIdentity) => set({ clearIdentity }),
    async chooseFile() {
      const file = await shell?.saveImage();
      if (file) set({ output: file, error: null });
    },
    async save() {
      const { device, output, clearIdentity, running } = get();
      if (!device || !output.trim() || running) return;
      set({ running: true, result: null, error: null });
      try {
        set({ result: await api.invoke('backup:start', { device, output: output.trim(), clearIdentity }) });
      } catch (error) {
        set({ error: toErrorInfo(error) });
      } finally {
        set({ running: false });
      }
    },
  }));
}

export type BackupStore = ReturnType<typeof createBackupStore>;
