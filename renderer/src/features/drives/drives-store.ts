/**
 * The drives the user can write: what the core lists (refreshed whenever drives come or go), plus
 * devices and image files the user added by path (loop devices are never listed by the OS probe),
 * and which of them are selected. Selection only ever holds devices present in the list that can be
 * written (the `writable` rule, which knows the chosen image), so a card pulled out, or one the
 * image no longer fits, is dropped from the selection at once and nothing refused is ever ticked.
 */
import { createStore } from 'zustand/vanilla';
import type { FiotShell } from '../../../../shared/bridge';
import type { FiotApi } from '../../../../shared/contract';
import type { Drive } from '../../../../shared/domain/drive';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';
import type { ImageInfo } from '../../../../shared/drive-constraints';
import type { SourceInfo } from '../../../../shared/api/source';

export interface DrivesState {
  listed: Drive[];
  added: Drive[];
  showAll: boolean;
  selected: string[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: ErrorInfo | null;
  addError: ErrorInfo | null;
  load(): Promise<void>;
  setShowAll(showAll: boolean): Promise<void>;
  toggle(device: string): void;
  select(devices: string[]): void;
  /** Drops what is no longer present or writable from the selection (e.g. after the image changed). */
  pruneSelection(): void;
  addByPath(path: string): Promise<boolean>;
  /** Forgets a device or file added by path. */
  removeAdded(device: string): void;
  /** True when a native save dialog is available (the desktop app): image files go where it grants. */
  canSaveAs: boolean;
  /** Asks where to save an image file (desktop), then adds it as a target. */
  saveAs(): Promise<boolean>;
  /** Subscribes to drives:changed; returns the unsubscribe. */
  watch(): () => void;
}

/** The facts about the chosen image that the drive rules need (none yet: nothing is too small). */
export function imageFacts(info: SourceInfo | null): ImageInfo {
  return { size: info?.size ?? null, path: info?.path };
}

/** Devices the user added by path that the core does not list itself: these can be removed. */
export function removableDevices(state: Pick<DrivesState, 'listed' | 'added'>): string[] {
  const listed = new Set(state.listed.map((d) => d.device));
  return state.added.filter((d) => !listed.has(d.device)).map((d) => d.device);
}

/** Listed drives first, then added ones not already listed. */
export function allDrives(state: Pick<DrivesState, 'listed' | 'added'>): Drive[] {
  const listed = new Set(state.listed.map((d) => d.device));
  return [...state.listed, ...state.added.filter((d) => !listed.has(d.device))];
}

export function selectedDrives(state: Pick<DrivesState, 'listed' | 'added' | 'selected'>): Drive[] {
  const chosen = new Set(state.selected);
  return allDrives(state).filter((d) => chosen.has(d.device));
}

/** Whether a drive may be selected; the app's rule checks it against the chosen image. */
export type WritableRule = (drive: Drive) => boolean;

export interface DrivesStoreOptions {
  /** The desktop shell's save dialog; none in the station. */
  shell?: Pick<FiotShell, 'saveImage'> | null;
  writable?: WritableRule;
}

export function createDrivesStore(api: Pick<FiotApi, 'invoke' | 'on'>, { shell = null, writable = () => true }: DrivesStoreOptions = {}) {
  return createStore<DrivesState>()((set, get) => {
    const selectable = (devices: string[]): string[] => {
      const byDevice = new Map(allDrives(get()).map((d) => [d.device, d]));
      return devices.filter((device) => {
        const drive = byDevice.get(device);
        return drive !== undefined && writable(drive);
      });
    };
    const pruneSelection = () => {
      const selected = selectable(get().selected);
      if (selected.length !== get().selected.length) set({ selected });
    };

    return {
      listed: [],
      added: [],
      showAll: false,
      selected: [],
      status: 'idle',
      error: null,
      addError: null,
      canSaveAs: shell !== null,

      async load() {
        set({ status: get().listed.length ? 'ready' : 'loading' });
        try {
          const { drives } = await api.invoke('drives:list', { all: get().showAll });
          set({ listed: drives, status: 'ready', error: null });
          pruneSelection();
        } catch (error) {
          set({ status: 'error', error: toErrorInfo(error) });
        }
      },

      async setShowAll(showAll) {
        set({ showAll });
        await get().load();
      },

      toggle(device) {
        const { selected } = get();
        set({ selected: selected.includes(device) ? selected.filter((d) => d !== device) : selectable([...selected, device]) });
      },

      select(devices) {
        set({ selected: selectable(devices) });
      },

      pruneSelection,

      async addByPath(path) {
        const trimmed = path.trim();
        if (!trimmed) {
          set({ addError: { code: 'INVALID_INPUT', message: 'Type the path of a device (such as /dev/loop3) or of an image file to write.' } });
          return false;
        }
        try {
          const { drive } = await api.invoke('drives:resolve', { path: trimmed });
          set({ added: [...get().added.filter((d) => d.device !== drive.device), drive], addError: null });
          // Added to be written, so ticked at once; unless it cannot be, and then its row says why.
          if (!get().selected.includes(drive.device)) set({ selected: selectable([...get().selected, drive.device]) });
          return true;
        } catch (error) {
          set({ addError: toErrorInfo(error) });
          return false;
        }
      },

      removeAdded(device) {
        set({ added: get().added.filter((d) => d.device !== device) });
        pruneSelection();
      },

      async saveAs() {
        const path = await shell?.saveImage();
        return path ? get().addByPath(path) : false;
      },

      watch() {
        // The event carries the new list, but it may have been made for another `all` setting:
        // asking again keeps "show all" honest.
        return api.on('drives:changed', () => {
          void get().load();
        });
      },
    };
  });
}

export type DrivesStore = ReturnType<typeof createDrivesStore>;
