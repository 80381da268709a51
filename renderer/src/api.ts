/**
 * The one place the renderer picks its transport. In Electron the preload's window.fiot carries
 * requests over IPC; in a browser (the station) a WebSocket to /api carries the same envelopes
 * (transport/station-socket.ts). Either way the rest of the renderer sees one AppApi, and failures
 * arrive as FiotError with the code and hint from shared/errors.ts.
 */
import type { FiotApi } from '../../shared/contract';
import type { FiotBridge, FiotShell } from '../../shared/bridge';
import { unwrap, type ConnectionState } from './transport/envelope';
import { connectStation } from './transport/station-socket';
import { stationToken } from './transport/station-token';

export type { ConnectionState };

export interface AppApi extends FiotApi {
  host: 'electron' | 'station';
  /** Desktop-only abilities; null in the browser. */
  shell: FiotShell | null;
  connection(): ConnectionState;
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

declare global {
  interface Window {
    fiot?: FiotBridge;
    fiotShell?: FiotShell;
  }
}

function electronApi(bridge: FiotBridge, shell: FiotShell | null): AppApi {
  return {
    host: 'electron',
    shell,
    invoke: async (channel, args) => unwrap(await bridge.invoke(channel, args)),
    on: (event, listener) => bridge.on(event, listener),
    connection: () => 'open',
    onConnection: () => () => undefined,
  };
}


function createApi(): AppApi {
  if (window.fiot) return electronApi(window.fiot, window.fiotShell ?? null);
  const url = new URL('/api', window.location.href);
  url.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = stationToken() ?? '';
  url.search = new URLSearchParams({ token }).toString();
  // The page itself, asked for with the same token: 401/403 means the station (restarted, with a new token) refuses it.
  const isRefused = async () => {
    try {
      const page = new URL('/', window.location.href);
      page.search = new URLSearchParams({ token }).toString();
      const answer = await fetch(page, { cache: 'no-store' });
      return answer.status === 401 || answer.status === 403;
    } catch {
      return false;
    }
  };
  const station = connectStation(url.href, (address) => new WebSocket(address), { isRefused });
  return { host: 'station', shell: null, ...station };
}

export const api: AppApi = createApi();
