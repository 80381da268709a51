/**
 * The station's transport: one WebSocket to /api carrying `{id, channel, args}` requests,
 * `{id, ok, value | error}` answers and pushed `{event, payload}` events. Requests made while
 * (re)connecting wait in a queue; a request in flight when the socket drops fails with NETWORK
 * (it may or may not have run); the socket reconnects by itself with backoff.
 */
import type { ArgsOf, Channel, EventName, EventPayload, ResultOf } from '../../../shared/contract';
import type { ErrorInfo } from '../../../shared/errors';
import type { Envelope } from '../../../shared/result';
import { unwrap, type ConnectionState } from './envelope';

/** What this client needs of a WebSocket: the browser's, or the `ws` package's in tests. */
export interface SocketLike {
  readonly readyState: number;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: unknown) => void): void;
  send(data: string): void;
  close(): void;
}
export type SocketFactory = (url: string) => SocketLike;

const OPEN = 1;

export interface StationSocketOptions {
  /** First reconnect delay; doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Failed attempts, without ever opening, after which the page is taken as refused. */
  attemptsBeforeRefused?: number;
  /**
   * Asks the station over plain HTTP whether it refuses this page's token (true), as a station
   * restarted with a new token does; false when it does not answer (it is down: keep trying).
   * A browser's WebSocket never shows why a connection was refused, so without this a page of the
   * old station would say "reconnecting" forever.
   */
  isRefused?: () => Promise<boolean>;
}

export interface StationSocket {
  invoke<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  connection(): ConnectionState;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** Closes for good (tests; a page simply goes away). */
  close(): void;
}

const lostConnection: ErrorInfo = {
  code: 'NETWORK',
  message: 'The connection to the station was lost before it answered.',
  hint: 'Check that `fiot-flash station` is still running; the page reconnects by itself.',
};

export function connectStation(url: string, createSocket: SocketFactory, options: StationSocketOptions = {}): StationSocket {
  const firstRetry = options.retryMs ?? 500;
  const maxRetry = options.maxRetryMs ?? 5000;
  const refusedAfter = options.attemptsBeforeRefused ?? 4;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  const queue: string[] = [];
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let socket: SocketLike | null = null;
  let nextId = 1;
  let retryMs = firstRetry;
  let failedAttempts = 0;
  let everOpened = false;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const setState = (next: ConnectionState) => {
    state = next;
    for (const listener of connectionListeners) listener(next);
  };

  const onMessage = (raw: unknown) => {
    let data: { id?: unknown; event?: unknown; payload?: unknown };
    try {
      data = JSON.parse(String(raw));
    } catch {
      return;
    }
    if (typeof data.event === 'string') {
      for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
    } else if (typeof data.id === 'number') {
      pending.get(data.id)?.(data as Envelope<unknown>);
      pending.delete(data.id);
    }
  };

  const connect = () => {
    const ws = createSocket(url);
    socket = ws;
    ws.addEventListener('open', () => {
      everOpened = true;
      failedAttempts = 0;
      retryMs = firstRetry;
      setState('open');
      for (const message of queue.splice(0)) ws.send(message);
    });
    ws.addEventListener('message', (event) => onMessage((event as { data: unknown }).data));
    // A close always follows an error, and the close handler does the work.
    ws.addEventListener('error', () => undefined);
    ws.addEventListener('close', () => {
      socket = null;
      for (const resolve of pending.values()) resolve({ ok: false, error: lostConnection });
      pending.clear();
      if (closed) return;
      failedAttempts++;
      // A socket refused every time before it ever opened is a missing or stale token.
      if (!everOpened && failedAttempts >= refusedAfter) return setState('unauthorized');
      setState(everOpened ? 'reconnecting' : 'connecting');
      if (everOpened && failedAttempts >= refusedAfter && options.isRefused) {
        void options.isRefused().then((refused) => (refused && !closed ? setState('unauthorized') : retry()), retry);
        return;
      }
      retry();
    });
  };
  const retry = () => {
    if (closed) return;
    timer = setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, maxRetry);
  };
  connect();

  return {
    async invoke(channel, args) {
      const id = nextId++;
      const envelope = await new Promise<Envelope<unknown>>((resolve) => {
        pending.set(id, resolve);
        const message = JSON.stringify({ id, channel, args });
        if (socket?.readyState === OPEN) socket.send(message);
        else queue.push(message);
      });
      return unwrap(envelope) as never;
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => {
        set.delete(wrapped);
      };
    },
    connection: () => state,
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => {
        connectionListeners.delete(listener);
      };
    },
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.close();
    },
  };
}
