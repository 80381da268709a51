/**
 * A FiotApi for store tests: each request channel answers from a function the test gives, every
 * call is recorded, and the test pushes events as the core would.
 */
import type { Channel, EventName, EventPayload, FiotApi, ArgsOf, ResultOf } from '../../shared/contract';

type Answers = { [C in Channel]?: (args: ArgsOf<C>) => Promise<ResultOf<C>> | ResultOf<C> };

export interface FakeApi extends FiotApi {
  calls: Array<{ channel: Channel; args: unknown }>;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  listenerCount(event: EventName): number;
}

export function createFakeApi(answers: Answers): FakeApi {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: FakeApi['calls'] = [];
  return {
    calls,
    async invoke(channel, args) {
      calls.push({ channel, args });
      const answer = answers[channel] as ((a: unknown) => unknown) | undefined;
      if (!answer) throw new Error(`fake api: no answer for ${channel}`);
      return (await answer(args)) as never;
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    listenerCount: (event) => listeners.get(event)?.size ?? 0,
  };
}

/** Lets pending promise callbacks run. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));
