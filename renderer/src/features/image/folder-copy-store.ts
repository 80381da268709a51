/**
 * A catalog image already in the images folder, used in place of a download that cannot happen
 * (offline): the file of the same name, checked by the core (Fedora's signed CHECKSUM file beside
 * it, else the catalog's sha256) before it becomes the chosen image.
 */
import { createStore } from 'zustand/vanilla';
import type { FiotApi } from '../../../../shared/contract';
import type { FolderCopyCheck } from '../../../../shared/api/source';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';

export interface FolderCopy {
  path: string;
  name: string;
}

export interface FolderCopyState {
  status: 'idle' | 'checking' | 'checked' | 'error';
  /** The copy being checked, or the last one checked. */
  copy: FolderCopy | null;
  check: FolderCopyCheck | null;
  error: ErrorInfo | null;
  /** Checks the copy against what the catalog entry at `url` promises; a copy that holds becomes the chosen image. */
  use(copy: FolderCopy, url: string): Promise<void>;
}

/** The file name a download address ends in ("…/Fedora-IoT-raw-43-….raw.xz"), or null. */
export function downloadFileName(source: string): string | null {
  try {
    const url = new URL(source);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return decodeURIComponent(url.pathname.slice(url.pathname.lastIndexOf('/') + 1)) || null;
  } catch {
    return null;
  }
}

export function createFolderCopyStore(api: Pick<FiotApi, 'invoke'>, choose: (path: string) => Promise<boolean>) {
  return createStore<FolderCopyState>()((set) => ({
    status: 'idle',
    copy: null,
    check: null,
    error: null,

    async use(copy, url) {
      set({ status: 'checking', copy, check: null, error: null });
      try {
        const check = await api.invoke('source:check-copy', { path: copy.path, url });
        set({ status: 'checked', check });
        await choose(copy.path);
      } catch (error) {
        set({ status: 'error', error: toErrorInfo(error) });
      }
    },
  }));
}

export type FolderCopyStore = ReturnType<typeof createFolderCopyStore>;
