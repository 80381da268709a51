/**
 * The contract over a WebSocket: `{id, channel, args}` in, `{id, ok, value|error}` out, through
 * the same router (and validation) as Electron's IPC; events pushed as `{event, payload}`.
 */
import type { WebSocket } from 'ws';
import { desktopOnlyChannels } from '../../shared/api/ssh-keys';
import type { Router } from '../core/router';

/** Requests are small (paths, profiles); anything larger is a mistake or an attack, refused by ws. */
export const MAX_MESSAGE_BYTES = 1 << 20;

type RequestMessage = { id: string | number; channel: string; args?: unknown };

function parseRequest(data: string): RequestMessage | null {
  try {
    const message = JSON.parse(data) as Partial<RequestMessage> | null;
    if (!message || typeof message !== 'object') return null;
    if (typeof message.id !== 'string' && typeof message.id !== 'number') return null;
    if (typeof message.channel !== 'string') return null;
    return message as RequestMessage;
  } catch {
    return null;
  }
}

export function serveSocket(socket: WebSocket, router: Router): void {
  const send = (message: unknown) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const unsubscribe = router.events.subscribe((event, payload) => send({ event, payload }));
  socket.on('close', unsubscribe);
  // A frame over MAX_MESSAGE_BYTES, text that is not UTF-8 or a broken frame: ws closes this one
  // socket with the matching code (1009, 1007, 1002) and reports it here. Without a listener the
  // report would be thrown and take the station, and any flash it is running, down.
  socket.on('error', () => undefined);
  socket.on('message', async (data, isBinary) => {
    const request = isBinary ? null : parseRequest(data.toString());
    if (!request) {
      send({ id: null, ok: false, error: { code: 'INVALID_INPUT', message: 'A request is {"id", "channel", "args"} as JSON text.' } });
      return;
    }
    if (desktopOnlyChannels.has(request.channel)) {
      const message = `${request.channel} is not offered by the station: it would read the station's computer, not the browser's.`;
      send({ id: request.id, ok: false, error: { code: 'USAGE', message, hint: 'Paste the key, pick its .pub file, or import it from an https URL.' } });
      return;
    }
    const envelope = await router.handle(request.channel, request.args);
    send({ id: request.id, ...envelope });
  });
}
