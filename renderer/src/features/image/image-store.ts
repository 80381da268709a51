/**
 * The image to write: a local file chosen by path, the desktop file dialog, drag and drop, or (on
 * a station) one of the images the station offers: the core accepts no other local file.
 * Choosing inspects the file at once (format, sizes), so a wrong file is refused with its reason
 * before the user goes on to pick drives; then which machines the image is for is read from it (its
 * ESP's EFI loader), so the step can say at once when it does not fit the chosen board. Other sources (catalog, downloads, builds) set the same
 * `path` when their file is ready. A catalog image not downloaded yet is chosen as it is
 * (`chooseRemote`): `path` is then its URL, and the write downloads it while it writes the cards.
 */
import { createStore } from 'zustand/vanilla';
import type { FiotApi, ResultOf } from '../../../../shared/contract';
import type { SourceArch, SourceInfo } from '../../../../shared/api/source';
import type { FiotShell } from '../../../../shared/bridge';
import type { Arch } from '../../../../shared/domain/board';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';

/** A catalog image not in the cache yet: written while it downloads, as the catalog describes it. */
export interface RemoteImage {
  url: string;
  /** The sha256 the download must have, when the catalog knows it (else its signed CHECKSUM says). */
  sha256?: string;
  name: string;
  /** Bytes of the download, and of the image on the card (from the `.xz` index), when known. */
  fileSize: number | null;
  imageSize: number | null;
  arch: Arch | null;
  /** Set once a write downloaded it into the image cache: the next cards are written from the kept file. */
  kept?: boolean;
}

export interface ImageState {
  /** A local file, or a remote image's URL. */
  path: string;
  /**
   * The text of the image file box: only what the person typed or picked there (a listed image, an
   * upload, Browse). Kept across the box's remounts, never filled with an image another source chose
   * (a catalog image's URL, a download's cache path).
   */
  boxPath: string;
  setBoxPath(text: string): void;
  /** Set while the chosen image is a catalog image not downloaded yet. */
  remote: RemoteImage | null;
  info: SourceInfo | null;
  status: 'empty' | 'inspecting' | 'ready' | 'error';
  error: ErrorInfo | null;
  /** Which machines the image is for: undefined while it is read (or could not be), arch null when the image does not say. */
  arch: SourceArch | undefined;
  /** The user said to write this image even though it does not fit the chosen board. */
  ignoreBoard: boolean;
  /** True when a native file dialog is available (the desktop app). */
  canBrowse: boolean;
  /** The local images the core offers (a station's images folder), once loaded. */
  offered: ResultOf<'source:list'> | null;
  loadOffered(): Promise<void>;
  choose(path: string): Promise<boolean>;
  /** Chooses a catalog image to be written while it downloads: nothing is downloaded now. */
  chooseRemote(image: RemoteImage): void;
  /** A write of `url` ended with its download kept in the image cache. */
  markKept(url: string): void;
  browse(): Promise<boolean>;
  /** A file dropped on the page: its path is known in the desktop app only. */
  chooseDropped(file: File): Promise<boolean>;
  clear(): void;
  setIgnoreBoard(ignore: boolean): void;
}

/**
 * What a flash (or the card bench) names as its source: the file, or a catalog image's URL with the
 * sha256 the catalog gives it, which the core then downloads while it writes and holds the download to.
 */
export function flashSource(state: Pick<ImageState, 'path' | 'remote'>): { source: string; sha256?: string } {
  return { source: state.path, ...(state.remote?.sha256 ? { sha256: state.remote.sha256 } : {}) };
}

/** Reads the chosen image's architecture; a failure leaves it unknown (the flash checks the board again). */
async function readArch(api: Pick<FiotApi, 'invoke'>, path: string, store: { get(): ImageState; set(partial: Partial<ImageState>): void }): Promise<void> {
  try {
    const arch = await api.invoke('source:arch', { path });
    if (store.get().path === path) store.set({ arch });
  } catch {
    // Unknown is not a refusal: only a sure mismatch stops the user.
  }
}

export function createImageStore(api: Pick<FiotApi, 'invoke'>, shell: Pick<FiotShell, 'openImage' | 'pathForFile'> | null = null) {
  return createStore<ImageState>()((set, get) => ({
    path: '',
    boxPath: '',
    remote: null,
    info: null,
    status: 'empty',
    error: null,
    arch: undefined,
    ignoreBoard: false,
    canBrowse: shell !== null,
    offered: null,

    async loadOffered() {
      try {
        set({ offered: await api.invoke('source:list', {}) });
      } catch {
        // The list is a convenience: typing a path inside the images folder still works.
      }
    },

    async choose(path) {
      const trimmed = path.trim();
      if (!trimmed) {
        set({ status: 'error', info: null, error: { code: 'INVALID_INPUT', message: 'Type the path of an image file, or drop the file here.' } });
        return false;
      }
      set({ path: trimmed, remote: null, status: 'inspecting', error: null, info: null, arch: undefined, ignoreBoard: false });
      try {
        const info = await api.invoke('source:inspect', { path: trimmed });
        // A slower answer for an earlier choice must not replace the current one.
        if (get().path !== trimmed) return false;
        set({ info, status: 'ready' });
        void readArch(api, trimmed, { get, set });
        return true;
      } catch (error) {
        if (get().path === trimmed) set({ status: 'error', error: toErrorInfo(error) });
        return false;
      }
    },

    setBoxPath(text) {
      set({ boxPath: text });
    },

    markKept(url) {
      const remote = get().remote;
      if (remote?.url === url && !remote.kept) set({ remote: { ...remote, kept: true } });
    },
    chooseRemote(image) {
      const info: SourceInfo = { path: image.url, name: image.name, format: /\.xz$/i.test(image.name) ? 'xz' : 'raw', fileSize: image.fileSize ?? 0, size: image.imageSize, minSize: image.imageSize ?? 0 };
      set({ path: image.url, remote: image, info, status: 'ready', error: null, arch: { arch: image.arch, evidence: 'the Fedora IoT list' }, ignoreBoard: false });
    },

    async browse() {
      const path = await shell?.openImage();
      return path ? get().choose(path) : false;
    },

    async chooseDropped(file) {
      const path = shell?.pathForFile(file);
      if (path) return get().choose(path);
      set({
        status: 'error',
        info: null,
        error: {
          code: 'INVALID_INPUT',
          message: `The browser does not tell the station where “${file.name}” is stored.`,
          hint: 'Choose one of the images the station offers, or type the full path of a file in its images folder.',
        },
      });
      return false;
    },

    clear() {
      set({ path: '', remote: null, info: null, status: 'empty', error: null, arch: undefined, ignoreBoard: false });
    },

    setIgnoreBoard(ignore) {
      set({ ignoreBoard: ignore });
    },
  }));
}

export type ImageStore = ReturnType<typeof createImageStore>;
