/**
 * The renderer's station transport against a real WebSocket server on loopback (the `ws`
 * package on both ends): answers, errors as FiotError, pushed events, the queue before the socket
 * opens, a dropped connection mid-request, reconnecting, and a refused token.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { connectStation, type StationSocket } from '../../renderer/src/transport/station-socket';
import { FiotError } from '../../shared/errors';
import type { Drive } from '../../shared/domain/drive';

interface Server {
  url: string;
  wss: WebSocketServer;
  received: Array<{ id: number; channel: string; args: unknown }>;
}

/** Answers drives:list with one drive, source:inspect with an error, and holds flash:start unanswered. */
function startServer(options: { refuse?: boolean } = {}): Promise<Server> {
  return new Promise((resolve) => {
    const received: Server['received'] = [];
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', verifyClient: () => !options.refuse });
    wss.on('connection', (socket) => {
      socket.on('message', (raw) => {
        const message = JSON.parse(raw.toString()) as Server['received'][number];
        received.push(message);
        if (message.channel === 'drives:list') socket.send(JSON.stringify({ id: message.id, ok: true, value: { drives: [] } }));
        if (message.channel === 'source:inspect') {
          socket.send(JSON.stringify({ id: message.id, ok: false, error: { code: 'SOURCE_NOT_FOUND', message: 'There is no file at /x.', hint: 'Check the path.' } }));
        }
      });
    });
    wss.on('listening', () => resolve({ url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/api?token=t`, wss, received }));
  });
}

const sockets: StationSocket[] = [];
function connect(url: string): StationSocket {
  const socket = connectStation(url, (address) => new WebSocket(address), { retryMs: 20, maxRetryMs: 50, attemptsBeforeRefused: 3 });
  sockets.push(socket);
  return socket;
}

function waitFor(socket: StationSocket, state: string): Promise<void> {
  if (socket.connection() === state) return Promise.resolve();
  return new Promise((resolve) => {
    const off = socket.onConnection((now) => {
      if (now === state) {
        off();
        resolve();
      }
    });
  });
}

describe('station socket', () => {
  after(() => sockets.forEach((s) => s.close()));

  it('queues requests until the socket opens, then answers them', async () => {
    const server = await startServer();
    const socket = connect(server.url);
    assert.equal(socket.connection(), 'connecting');
    const { drives } = await socket.invoke('drives:list', { all: false });
    assert.deepEqual(drives, [] as Drive[]);
    assert.equal(socket.connection(), 'open');
    assert.deepEqual(server.received[0], { id: 1, channel: 'drives:list', args: { all: false } });
    server.wss.close();
  });

  it('turns an error answer into a FiotError with its code and hint', async () => {
    const server = await startServer();
    const socket = connect(server.url);
    await assert.rejects(socket.invoke('source:inspect', { path: '/x' }), (error: unknown) => {
      assert.ok(error instanceof FiotError);
      assert.equal(error.code, 'SOURCE_NOT_FOUND');
      assert.equal(error.hint, 'Check the path.');
      return true;
    });
    server.wss.close();
  });

  it('delivers pushed events until the listener unsubscribes', async () => {
    const server = await startServer();
    const socket = connect(server.url);
    const seen: unknown[] = [];
    const off = socket.on('drives:changed', (payload) => seen.push(payload));
    await waitFor(socket, 'open');
    const [client] = [...server.wss.clients];
    client!.send(JSON.stringify({ event: 'drives:changed', payload: { drives: [] } }));
    await socket.invoke('drives:list', { all: false });
    off();
    client!.send(JSON.stringify({ event: 'drives:changed', payload: { drives: ['late'] } }));
    await socket.invoke('drives:list', { all: false });
    assert.deepEqual(seen, [{ drives: [] }]);
    server.wss.close();
  });

  it('fails a request in flight when the connection drops, then reconnects', async () => {
    const server = await startServer();
    const socket = connect(server.url);
    await waitFor(socket, 'open');
    const states: string[] = [];
    socket.onConnection((state) => states.push(state));
    const inFlight = socket.invoke('flash:start', { source: '/img.raw', targets: ['/dev/sdx'] });
    while (!server.received.some((m) => m.channel === 'flash:start')) await new Promise((r) => setTimeout(r, 5));
    for (const client of server.wss.clients) client.terminate();
    await assert.rejects(inFlight, (error: unknown) => error instanceof FiotError && error.code === 'NETWORK');
    await waitFor(socket, 'open');
    assert.deepEqual(states.slice(0, 2), ['reconnecting', 'open']);
    assert.deepEqual(await socket.invoke('drives:list', { all: false }), { drives: [] });
    server.wss.close();
  });

  it('says the page was refused when the socket is never let in', async () => {
    const server = await startServer({ refuse: true });
    const socket = connect(server.url);
    await waitFor(socket, 'unauthorized');
    assert.equal(server.received.length, 0);
    server.wss.close();
  });

  it('a page of a station restarted with a new token says it was refused instead of reconnecting forever', async () => {
    // One HTTP server for the page and the socket, as the station is: after the restart both refuse the old token.
    let restarted = false;
    const http = createServer((_request, response) => response.writeHead(restarted ? 403 : 200).end());
    const wss = new WebSocketServer({ server: http, verifyClient: () => !restarted });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const base = `127.0.0.1:${(http.address() as AddressInfo).port}`;
    let probes = 0;
    const isRefused = async () => {
      probes++;
      try {
        const answer = await fetch(`http://${base}/?token=t`);
        return answer.status === 401 || answer.status === 403;
      } catch {
        return false;
      }
    };
    const socket = connectStation(`ws://${base}/api?token=t`, (address) => new WebSocket(address), { retryMs: 20, maxRetryMs: 50, attemptsBeforeRefused: 3, isRefused });
    sockets.push(socket);
    await waitFor(socket, 'open');
    assert.equal(probes, 0, 'nothing is asked while the socket is open');
    restarted = true;
    for (const client of wss.clients) client.terminate();
    await waitFor(socket, 'unauthorized');
    assert.ok(probes >= 1);
    wss.close();
    http.close();
  });

  it('a station that is merely down is waited for: the page keeps reconnecting', async () => {
    const server = await startServer();
    const port = new URL(server.url).port;
    let probes = 0;
    const socket = connectStation(server.url, (address) => new WebSocket(address), {
      retryMs: 20, maxRetryMs: 50, attemptsBeforeRefused: 3,
      isRefused: async () => {
        probes++;
        return fetch(`http://127.0.0.1:${port}/`).then((answer) => answer.status === 401 || answer.status === 403, () => false);
      },
    });
    sockets.push(socket);
    await waitFor(socket, 'open');
    for (const client of server.wss.clients) client.terminate();
    server.wss.close();
    while (probes < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(socket.connection(), 'reconnecting');
  });
});
