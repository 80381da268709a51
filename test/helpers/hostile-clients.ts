/**
 * Clients that misbehave on purpose, on raw TCP, to prove the station survives them: requests cut
 * off by a reset, garbage instead of HTTP, WebSocket frames too large or not UTF-8. Every one is
 * bounded in time: it resolves when the station closes the connection or after `timeoutMs`.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

const TIMEOUT_MS = 5_000;

export function openConnection(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with what the station sent (as latin1 text) once it closed the connection (or the time ran out). */
export function untilClosed(socket: Socket, timeoutMs = TIMEOUT_MS): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

/** A WebSocket handshake for /api; Host is the station's own unless `host` says otherwise. */
export function upgradeRequest(port: number, options: { token?: string; host?: string } = {}): string {
  const query = options.token ? `?token=${options.token}` : '';
  return [`GET /api${query} HTTP/1.1`, `Host: ${options.host ?? `127.0.0.1:${port}`}`, 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13', '', ''].join('\r\n');
}

/** Sends `text` and resets the connection (TCP RST) before the station can answer. */
export async function sendAndReset(port: number, text: string): Promise<void> {
  const socket = await openConnection(port);
  socket.on('error', () => undefined);
  socket.write(text, () => socket.resetAndDestroy());
  await new Promise((resolve) => socket.once('close', resolve));
}

/** Sends raw bytes and collects the answer until the station closes the connection. */
export async function sendRaw(port: number, data: string | Buffer): Promise<string> {
  const socket = await openConnection(port);
  const answer = untilClosed(socket);
  socket.write(data);
  return answer;
}

/** A client frame (clients must mask). `claimedLength` lets the header lie about the payload size. */
export function clientFrame(opcode: number, payload: Buffer, claimedLength = payload.length): Buffer {
  let header: Buffer;
  if (claimedLength < 126) header = Buffer.from([0x80 | opcode, 0x80 | claimedLength]);
  else if (claimedLength < 65536) header = Buffer.from([0x80 | opcode, 0x80 | 126, claimedLength >> 8, claimedLength & 0xff]);
  else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(claimedLength), 2);
  }
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([header, mask, masked]);
}

export const TEXT_FRAME = 0x1;

/**
 * Opens the API socket with the token, sends `frames`, and resolves with the close code the
 * station answered with (null when it did not close with a code in time).
 */
export async function sendFrames(port: number, token: string, frames: Buffer[]): Promise<number | null> {
  const socket = await openConnection(port);
  const closed = untilClosed(socket);
  socket.write(upgradeRequest(port, { token }));
  await new Promise<void>((resolve) => {
    const onData = (chunk: Buffer) => {
      if (!chunk.toString('latin1').includes('\r\n\r\n')) return;
      socket.off('data', onData);
      resolve();
    };
    socket.on('data', onData);
    socket.once('close', () => resolve());
  });
  for (const frame of frames) socket.write(frame);
  const received = Buffer.from(await closed, 'latin1');
  return closeCode(received);
}

/** The status code of the first close frame (opcode 8) the server sent after its 101 answer. */
function closeCode(received: Buffer): number | null {
  let offset = received.indexOf('\r\n\r\n');
  if (offset < 0) return null;
  offset += 4;
  while (offset + 2 <= received.length) {
    const opcode = received[offset]! & 0x0f;
    let length = received[offset + 1]! & 0x7f;
    let start = offset + 2;
    if (length === 126) {
      length = received.readUInt16BE(start);
      start += 2;
    }
    if (opcode === 0x8) return length >= 2 ? received.readUInt16BE(start) : null;
    offset = start + length;
  }
  return null;
}
