/** The history feature's store bound to the app's API, with its hook. */
import { useStore } from 'zustand';
import { api } from '../../api';
import { createHistoryStore, type HistoryState } from './history-store';
import { saveTextFile } from './save-file';

export const historyStore = createHistoryStore(api, saveTextFile);
export const useHistory = <T>(select: (state: HistoryState) => T): T => useStore(historyStore, select);
