/**
 * The one file that touches the transport. In Electron the preload's window.fiot carries requests
 * over IPC; in a browser (the station) a WebSocket to /api carries the same envelopes:
 * `{id, channel, args}` → `{id, ok, value | error}`, and pushed `{event, payload}`. Either way the
 * rest of the renderer sees one FiotApi, and failures arrive as FiotError with the code and hint
 * from shared/errors.ts.
 */
import type { ArgsOf, Channel, EventName, EventPayload, FiotApi, ResultOf } from '../../shared/contract';
import type { FiotBridge, FiotShell } from '../../shared/bridge';
import { FiotError, isErrorCode, type ErrorInfo } from '../../shared/errors';
import type { Envelope } from '../../shared/result';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'unauthorized';

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

function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value;
  const { code, message, hint } = envelope.error;
  throw new FiotError(isErrorCode(code) ? code : 'INTERNAL', message, hint);
}

type Listener = (payload: unknown) => void;

/** Event listeners by name, shared by both transports. */
class EventHub {
  private readonly listeners = new Map<string, Set<Listener>>();

  on(event: string, listener: Listener): () => void {
    const set = this.listeners.get(event) ?? new Set<Listener>();
    this.listeners.set(event, set);
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  dispatch(event: string, payload: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
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

const lostConnection: ErrorInfo = {
  code: 'NETWORK',
  message: 'The connection to the station was lost before it answered.',
  hint: 'Check that `fiot-flash station` is still running; the page reconnects by itself.',
};

/** A WebSocket client with request ids, a send queue while (re)connecting, and reconnect with backoff. */
function stationApi(url: string): AppApi {
  const hub = new EventHub();
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  const queue: string[] = [];
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let socket: WebSocket | null = null;
  let nextId = 1;
  let retryMs = 500;
  let everOpened = false;

  const setState = (next: ConnectionState) => {
    state = next;
    for (const listener of connectionListeners) listener(next);
  };

  const connect = () => {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      everOpened = true;
      retryMs = 500;
      setState('open');
      for (const message of queue.splice(0)) ws.send(message);
    };
    ws.onmessage = (message) => {
      let data: { id?: number; event?: string; payload?: unknown } & Partial<Envelope<unknown>>;
      try {
        data = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (typeof data.event === 'string') hub.dispatch(data.event, data.payload);
      else if (typeof data.id === 'number') {
        pending.get(data.id)?.(data as Envelope<unknown>);
        pending.delete(data.id);
      }
    };
    ws.onclose = () => {
      socket = null;
      for (const resolve of pending.values()) resolve({ ok: false, error: lostConnection });
      pending.clear();
      // A socket refused before it ever opened is almost always a missing or stale token.
      if (!everOpened && retryMs >= 4000) return setState('unauthorized');
      setState(everOpened ? 'reconnecting' : 'connecting');
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  };
  connect();

  return {
    host: 'station',
    shell: null,
    async invoke<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
      const id = nextId++;
      const envelope = await new Promise<Envelope<unknown>>((resolve) => {
        pending.set(id, resolve);
        const message = JSON.stringify({ id, channel, args });
        if (socket?.readyState === WebSocket.OPEN) socket.send(message);
        else queue.push(message);
      });
      return unwrap(envelope) as ResultOf<C>;
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      return hub.on(event, listener as Listener);
    },
    connection: () => state,
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => {
        connectionListeners.delete(listener);
      };
    },
  };
}

/** The station puts its token in the page's URL; the socket carries it back. */
export function stationToken(search = window.location.search): string | null {
  return new URLSearchParams(search).get('token');
}

function createApi(): AppApi {
  if (window.fiot) return electronApi(window.fiot, window.fiotShell ?? null);
  const wsUrl = new URL('/api', window.location.href);
  wsUrl.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  wsUrl.search = new URLSearchParams({ token: stationToken() ?? '' }).toString();
  return stationApi(wsUrl.href);
}

export const api: AppApi = createApi();
