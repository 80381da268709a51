/**
 * The one API contract: every request channel and pushed event that crosses a process boundary
 * (Electron IPC, the station's WebSocket, the renderer's window.fiot). Each domain declares its own
 * channels in shared/api/<domain>.ts; this file only gathers them.
 */
import type { z } from 'zod';
import { backupRequests } from './api/backup';
import { batchRequests } from './api/batch';
import { benchEvents, benchRequests } from './api/bench';
import { buildEvents, buildRequests } from './api/build';
import { checkinEvents, checkinRequests } from './api/checkin';
import { catalogEvents, catalogRequests } from './api/catalog';
import { drivesEvents, drivesRequests } from './api/drives';
import { flashEvents, flashRequests } from './api/flash';
import { historyRequests } from './api/history';
import { imagesEvents, imagesRequests } from './api/images';
import { onCardRequests } from './api/on-card';
import { provisionRequests } from './api/provision';
import { restoreRequests } from './api/restore';
import { sourceRequests } from './api/source';
import { sshKeysRequests } from './api/ssh-keys';

export const requests = {
  ...backupRequests,
  ...batchRequests,
  ...benchRequests,
  ...buildRequests,
  ...checkinRequests,
  ...catalogRequests,
  ...drivesRequests,
  ...flashRequests,
  ...historyRequests,
  ...imagesRequests,
  ...onCardRequests,
  ...provisionRequests,
  ...restoreRequests,
  ...sourceRequests,
  ...sshKeysRequests,
};

export const events = {
  ...benchEvents,
  ...buildEvents,
  ...checkinEvents,
  ...catalogEvents,
  ...drivesEvents,
  ...flashEvents,
  ...imagesEvents,
};

export type Requests = typeof requests;
export type Channel = keyof Requests;
export type ArgsOf<C extends Channel> = z.input<Requests[C]['args']>;
export type ParsedArgsOf<C extends Channel> = z.output<Requests[C]['args']>;
export type ResultOf<C extends Channel> = z.output<Requests[C]['result']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requests, name);
}

/** What window.fiot offers the renderer: one async function per channel, plus event subscriptions. */
export type FiotApi = {
  invoke<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};
