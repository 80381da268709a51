/**
 * The drives the user can write: what the core lists (refreshed whenever drives come or go), plus
 * devices and image files the user added by path (loop devices are never listed by the OS probe),
 * and which of them are selected. Selection only ever holds devices present in the list, so a card
 * pulled out is dropped from the selection at once.
 */
import { createStore } from 'zustand/vanilla';
import type { FiotShell } from '../../../../shared/bridge';
import type { FiotApi } from '../../../../shared/contract';
import type { Drive } from '../../../../shared/domain/drive';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';

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
  addByPath(path: string): Promise<boolean>;
  /** True when a native save dialog is available (the desktop app): image files go where it grants. */
  canSaveAs: boolean;
  /** Asks where to save an image file (desktop), then adds it as a target. */
  saveAs(): Promise<boolean>;
  /** Subscribes to drives:changed; returns the unsubscribe. */
  watch(): () => void;
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

export function createDrivesStore(api: Pick<FiotApi, 'invoke' | 'on'>, shell: Pick<FiotShell, 'saveImage'> | null = null) {
  return createStore<DrivesState>()((set, get) => {
    const keepPresentSelection = () => {
      const present = new Set(allDrives(get()).map((d) => d.device));
      const selected = get().selected.filter((device) => present.has(device));
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
          keepPresentSelection();
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
        set({ selected: selected.includes(device) ? selected.filter((d) => d !== device) : [...selected, device] });
      },

      select(devices) {
        set({ selected: devices });
      },

      async addByPath(path) {
        const trimmed = path.trim();
        if (!trimmed) {
          set({ addError: { code: 'INVALID_INPUT', message: 'Type the path of a device (such as /dev/loop3) or of an image file to write.' } });
          return false;
        }
        try {
          const { drive } = await api.invoke('drives:resolve', { path: trimmed });
          const added = [...get().added.filter((d) => d.device !== drive.device), drive];
          const selected = get().selected.includes(drive.device) ? get().selected : [...get().selected, drive.device];
          set({ added, selected, addError: null });
          return true;
        } catch (error) {
          set({ addError: toErrorInfo(error) });
          return false;
        }
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
