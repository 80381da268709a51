/**
 * The transport-agnostic router: maps contract channels to core handlers and validates every
 * payload where it enters. Electron's ipcMain adapter and the station's WebSocket adapter are thin
 * skins over `handle` and `events`.
 */
import { FiotError, toErrorInfo } from '../../shared/errors';
import type { Envelope } from '../../shared/result';
import { events as eventSchemas, isChannel, requests } from '../../shared/contract';
import type { Channel, EventName, EventPayload, ParsedArgsOf, ResultOf } from '../../shared/contract';

export type Handlers = { [C in Channel]: (args: ParsedArgsOf<C>) => Promise<ResultOf<C>> };

/** One pushed event as its listeners receive it: checking the name narrows the payload. */
export type BusEvent = { [E in EventName]: [event: E, payload: EventPayload<E>] }[EventName];
type Listener = (...event: BusEvent) => void;

/** Pushed events, fanned out to every connected window or socket. */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    // Validate on the way out too: a malformed event is a bug here, not the receiver's problem.
    const checked = [event, eventSchemas[event].parse(payload)] as BusEvent;
    for (const listener of this.listeners) listener(...checked);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface Router {
  handle(channel: unknown, payload: unknown): Promise<Envelope<unknown>>;
  readonly events: EventBus;
}

export function createRouter(handlers: Partial<Handlers>, events: EventBus): Router {
  return {
    events,
    async handle(channel, payload) {
      try {
        if (!isChannel(channel)) throw new FiotError('USAGE', `Unknown request channel: ${String(channel)}`);
        const handler = handlers[channel] as ((args: unknown) => Promise<unknown>) | undefined;
        if (!handler) throw new FiotError('INTERNAL', `No handler for ${channel}`);
        const parsed = requests[channel].args.safeParse(payload ?? {});
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const field = issue?.path.join('.') || 'request';
          throw new FiotError('INVALID_INPUT', `${channel}: ${field}: ${issue?.message ?? 'invalid'}`);
        }
        const value = await handler(parsed.data);
        return { ok: true, value };
      } catch (error) {
        return { ok: false, error: toErrorInfo(error) };
      }
    },
  };
}
