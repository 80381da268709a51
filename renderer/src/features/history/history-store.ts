/**
 * The flash history view's state: whether it is open, the cards written (newest first), the
 * CSV export, and the batch shown in the print view. While open it reloads when a flash finishes, so a tech sees each card appear.
 */
import { createStore } from 'zustand/vanilla';
import type { FiotApi } from '../../../../shared/contract';
import type { HistoryEntry } from '../../../../shared/domain/history';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';

/** Rows on screen; a station that wrote thousands of cards keeps a quick view, and the CSV has all. */
export const HISTORY_VIEW_LIMIT = 500;

export interface HistoryState {
  open: boolean;
  entries: HistoryEntry[] | null;
  busy: boolean;
  error: ErrorInfo | null;
  show(): void;
  hide(): void;
  load(): Promise<void>;
  exportCsv(): Promise<void>;
  /** One batch (a flash job) as the CSV or JSON file of the batch record. */
  exportBatch(jobId: string, format: BatchFormat): Promise<void>;
  /** The batch in the print view (its sheet, or its labels), every card of it; null when closed. */
  printing: HistoryEntry[] | null;
  printBatch(jobId: string): Promise<void>;
  closePrint(): void;
}

export type BatchFormat = 'csv' | 'json';

/** Hands the CSV text to the user as a file; the app passes a Blob download (see save-file.ts). */
export type SaveFile = (text: string, fileName: string, mediaType?: string) => void;

export function createHistoryStore(api: Pick<FiotApi, 'invoke' | 'on'>, saveFile: SaveFile) {
  let stopListening: (() => void) | null = null;
  return createStore<HistoryState>()((set, get) => {
    const run = async (work: () => Promise<void>) => {
      set({ busy: true, error: null });
      try {
        await work();
      } catch (error) {
        set({ error: toErrorInfo(error) });
      } finally {
        set({ busy: false });
      }
    };
    return {
      open: false,
      entries: null,
      busy: false,
      error: null,
      show() {
        set({ open: true });
        stopListening ??= api.on('flash:done', () => void get().load());
        void get().load();
      },
      hide() {
        stopListening?.();
        stopListening = null;
        set({ open: false });
      },
      load: () => run(async () => set({ entries: (await api.invoke('history:list', { limit: HISTORY_VIEW_LIMIT })).entries })),
      exportCsv: () => run(async () => {
        const { csv } = await api.invoke('history:export', {});
        saveFile(csv, `fiot-flash-history-${new Date().toISOString().slice(0, 10)}.csv`);
      }),
      exportBatch: (jobId, format) => run(async () => {
        const { text, fileName, mediaType } = await api.invoke('history:batch', { jobId, format });
        saveFile(text, fileName, mediaType.split(';')[0]);
      }),
      printing: null,
      // The batch record itself (JSON), not the view's rows: the view shows only the newest entries.
      printBatch: (jobId) => run(async () => {
        const { text } = await api.invoke('history:batch', { jobId, format: 'json' });
        set({ printing: (JSON.parse(text) as { cards: HistoryEntry[] }).cards });
      }),
      closePrint: () => set({ printing: null }),
    };
  });
}

export type HistoryStore = ReturnType<typeof createHistoryStore>;
