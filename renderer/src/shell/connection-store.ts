/** Whether the page can reach the core: always in the desktop app, over a WebSocket in the station. */
import { createStore } from 'zustand/vanilla';
import type { AppApi, ConnectionState } from '../api';

export interface ConnectionStoreState {
  host: AppApi['host'];
  state: ConnectionState;
  watch(): () => void;
}

export function createConnectionStore(api: Pick<AppApi, 'host' | 'connection' | 'onConnection'>) {
  return createStore<ConnectionStoreState>()((set) => ({
    host: api.host,
    state: api.connection(),
    watch() {
      // The socket may have opened before anyone subscribed.
      set({ state: api.connection() });
      return api.onConnection((state) => set({ state }));
    },
  }));
}
