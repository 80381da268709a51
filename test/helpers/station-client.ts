/** An authenticated API client for station tests: opens /api with the token and sends requests. */
import { WebSocket } from 'ws';
import type { FlashResult } from '../../shared/domain/flash';

export function openApi(port: number, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Sends one request and resolves with the reply carrying its id. */
export function callApi(ws: WebSocket, id: number, channel: string, args: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string; hint?: string } }> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { id?: unknown; ok: boolean };
      if (message.id !== id) return;
      ws.off('message', onMessage);
      resolve(message);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, channel, args }));
  });
}

/** True when a fresh authenticated socket gets an answer: the station is up and serving. */
export async function stationAnswers(port: number, token: string): Promise<boolean> {
  const ws = await openApi(port, token);
  try {
    return (await callApi(ws, 1, 'history:list', {})).ok;
  } finally {
    ws.close();
  }
}

/** The `flash:done` event of one job, as the socket pushes it. */
export function flashDone(ws: WebSocket, jobId: string): Promise<FlashResult> {
  return new Promise((resolve) => {
    const listen = (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { event?: string; payload?: FlashResult };
      if (message.event === 'flash:done' && message.payload?.jobId === jobId) {
        ws.off('message', listen);
        resolve(message.payload);
      }
    };
    ws.on('message', listen);
  });
}
