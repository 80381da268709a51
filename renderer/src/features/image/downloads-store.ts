/**
 * Downloads started from the image step: each one's latest progress, by id. When a download ends
 * well its file becomes the chosen image (through the image store, like any other source).
 */
import { createStore } from 'zustand/vanilla';
import type { FiotApi } from '../../../../shared/contract';
import type { ImageProgress } from '../../../../shared/domain/images';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';

export interface DownloadsState {
  current: ImageProgress | null;
  error: ErrorInfo | null;
  /**
   * The failure a Retry is trying to mend, until the retry fails too or gets under way: its notice
   * stays on screen saying "Trying…" meanwhile, so the press shows and the keyboard stays on Retry.
   */
  retrying: ErrorInfo | null;
  /** The last download asked for (a URL or catalog reference, and the sha256 it must have). */
  asked: { source: string; sha256?: string } | null;
  /** insecureSkipSignature: accept a Fedora image whose CHECKSUM signature is missing or wrong. */
  start(source: string, sha256?: string, insecureSkipSignature?: boolean): Promise<void>;
  /** Starts the last download again, as it was asked for (it resumes where it stopped, when the server allows). */
  retry(): Promise<void>;
  cancel(): Promise<void>;
  /**
   * Another image was chosen instead: a download that ended (failed, cancelled, or done with a
   * file no longer chosen) stops showing, so the tab never keeps an old "Failed" over a later
   * choice. A download still running goes on showing.
   */
  setAside(): void;
  /** Subscribes to images:progress; returns the unsubscribe. */
  watch(): () => void;
}

/** The address (or catalog reference) of the download whose failure is on screen; null when none failed. */
export function failedDownloadSource(state: Pick<DownloadsState, 'error' | 'asked'>): string | null {
  return state.error ? (state.asked?.source ?? null) : null;
}

/** The phases of a download still under way (the rest are outcomes). */
export const activePhases: ReadonlySet<ImageProgress['phase']> = new Set(['resolving', 'downloading', 'verifying']);

export function createDownloadsStore(api: Pick<FiotApi, 'invoke' | 'on'>, onReady: (path: string) => void) {
  let last: { source: string; sha256?: string; insecureSkipSignature: boolean } | null = null;
  return createStore<DownloadsState>()((set, get) => ({
    current: null,
    error: null,
    retrying: null,
    asked: null,

    async start(source, sha256, insecureSkipSignature = false) {
      last = { source, sha256, insecureSkipSignature };
      // A new try replaces the last one's outcome at once, before the core answers.
      set({ error: null, current: null, asked: { source: source.trim(), ...(sha256?.trim() ? { sha256: sha256.trim() } : {}) } });
      try {
        const trimmed = sha256?.trim();
        const { downloadId } = await api.invoke('images:download', { source: source.trim(), ...(trimmed ? { sha256: trimmed } : {}), prepareRaw: true, insecureSkipSignature });
        set({ current: { downloadId, source, phase: 'resolving', bytes: 0, totalBytes: null, speed: 0, etaSeconds: null } });
      } catch (error) {
        set({ error: toErrorInfo(error), retrying: null });
      }
    },

    async retry() {
      if (!last) return;
      // The old failure stands, as "Trying…", until this try answers: a failure or progress ends it.
      set({ retrying: get().error });
      await get().start(last.source, last.sha256, last.insecureSkipSignature);
    },

    async cancel() {
      const current = get().current;
      if (current) await api.invoke('images:cancel', { downloadId: current.downloadId });
    },

    setAside() {
      const current = get().current;
      if (current && activePhases.has(current.phase)) return;
      if (current || get().error || get().retrying) set({ current: null, error: null, retrying: null });
    },

    watch() {
      return api.on('images:progress', (progress) => {
        if (progress.downloadId !== get().current?.downloadId) return;
        set({ current: progress, error: progress.error ? { ...progress.error, code: progress.error.code as ErrorInfo['code'] } : null, ...(progress.phase === 'resolving' ? {} : { retrying: null }) });
        if (progress.phase === 'done' && progress.path) onReady(progress.path);
      });
    },
  }));
}

export type DownloadsStore = ReturnType<typeof createDownloadsStore>;
