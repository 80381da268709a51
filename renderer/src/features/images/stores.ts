/** The images feature's stores bound to the app's API, with their hooks. */
import { useStore } from 'zustand';
import { api } from '../../api';
import { imageStore } from '../../stores';
import { createCacheStore, type CacheState } from './cache-store';
import { createDownloadsStore, type DownloadsState } from './downloads-store';

export const downloadsStore = createDownloadsStore(api, (path) => void imageStore.getState().choose(path));
export const cacheStore = createCacheStore(api);

export const useDownloads = <T>(select: (state: DownloadsState) => T): T => useStore(downloadsStore, select);
export const useCache = <T>(select: (state: CacheState) => T): T => useStore(cacheStore, select);
