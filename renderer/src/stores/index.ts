/**
 * The app's stores, bound to the real API, with a React hook each. Components read and act
 * through these hooks only; they never call the API themselves. Feature stores (catalog, profile,
 * provisioning, downloads, builds) join this list from renderer/src/features/<domain>/.
 */
import { useStore } from 'zustand';
import { api } from '../api';
import { createDrivesStore, type DrivesState } from './drives';
import { createImageStore, type ImageState } from './image';
import { createJobStore, type JobState } from './job';
import { createUiStore, type UiState } from './ui';
import { createConnectionStore, type ConnectionStoreState } from './connection';

export const drivesStore = createDrivesStore(api);
export const imageStore = createImageStore(api, api.shell);
export const jobStore = createJobStore(api);
export const uiStore = createUiStore();
export const connectionStore = createConnectionStore(api);

export const useDrives = <T>(select: (state: DrivesState) => T): T => useStore(drivesStore, select);
export const useImage = <T>(select: (state: ImageState) => T): T => useStore(imageStore, select);
export const useJob = <T>(select: (state: JobState) => T): T => useStore(jobStore, select);
export const useUi = <T>(select: (state: UiState) => T): T => useStore(uiStore, select);
export const useConnection = <T>(select: (state: ConnectionStoreState) => T): T => useStore(connectionStore, select);

/** Starts the event subscriptions and the first drive listing; returns the teardown. */
export function startStores(): () => void {
  const stops = [
    drivesStore.getState().watch(),
    jobStore.getState().watch(),
    connectionStore.getState().watch(),
    // Drives may have come and gone while the station was out of reach.
    api.onConnection((state) => {
      if (state === 'open') void drivesStore.getState().load();
    }),
  ];
  void drivesStore.getState().load();
  return () => stops.forEach((stop) => stop());
}
