/**
 * A server that closes the connection after its response (HTTP/1.0 like `python3 -m http.server`,
 * the quickest local mirror there is) while the app reads the body more slowly than it arrives. With
 * undici 6 as it comes, the station process died there with an AssertionError nobody can catch
 * (found by a tester downloading from such a mirror). Each case runs in its own process, as a
 * crash would end it: the exit status and what arrived are what a user would see.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

/** Answers every request with `body` in HTTP/1.0 style, then closes: no keep-alive, no Range. */
function closingServer(body: Buffer): Promise<Server> {
  const server = createServer((socket) => {
    socket.once('data', () => {
      socket.write(`HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n`);
      socket.end(body);
    });
    socket.on('error', () => undefined);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Not spawnSync: the servers live in this process and must go on answering while the child runs. */
async function runChild(...args: string[]): Promise<{ status: number | null; result: Record<string, unknown>; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'slow-reader-child.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const line = stdout.trim().split('\n').pop() ?? '';
  return { status, result: line ? (JSON.parse(line) as Record<string, unknown>) : {}, stderr };
}

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/image.raw.xz`;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('a server that closes its connections, read slowly', () => {
  // Small enough to arrive whole while nobody reads, so undici's parser is paused when the server closes.
  const small = randomBytes(100_000);
  const large = randomBytes(48 << 20);
  let smallServer: Server;
  let largeServer: Server;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-closing-'));
  before(async () => {
    smallServer = await closingServer(small);
    largeServer = await closingServer(large);
  });
  after(() => {
    smallServer.close();
    largeServer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a body left unread while the server closes arrives whole, and the process lives', async () => {
    const { status, result, stderr } = await runChild('late', urlOf(smallServer), '500');
    assert.equal(status, 0, stderr);
    assert.deepEqual(result, { bytes: small.length, sha256: sha256(small) });
  });

  test('a reader far behind is cut off with a reason instead of holding the whole image in memory', async () => {
    const { status, result, stderr } = await runChild('busy', urlOf(largeServer), '1500');
    assert.equal(status, 0, stderr);
    assert.match(String(result.error), /arrived unread from a server that closes its connections/);
    assert.ok(Number(result.bytes) < large.length, 'the transfer stopped before the end');
  });

  test('an image downloaded from such a server lands whole', async () => {
    const part = path.join(dir, 'image.raw.xz.part');
    const { status, result, stderr } = await runChild('download', urlOf(largeServer), part);
    assert.equal(status, 0, stderr);
    assert.deepEqual(result, { bytes: large.length, sha256: sha256(large) });
  });
});
