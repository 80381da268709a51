/**
 * Issue 18, item 9: a server announcing `Content-Length: 1e12` was written until the disk was
 * full. Now an announced length the image cache has no room for (its disk's free space less a
 * reserve, or its limit) is refused before a byte is written, and a body of unknown length is
 * stopped where the room ends. The real CLI against a lying server on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { resultLine } from '../../helpers/cli-json';
import { runCli } from '../../helpers/run-cli';
import { tempImages, type TempImages } from './setup';

const MiB = 1024 * 1024;
const SHA = 'ab'.repeat(32);
let temp: TempImages;
let server: http.Server;
let port: number;
/** Body bytes the server handed to each socket, by path. */
const sent = new Map<string, number>();

/** Answers every path with endless zeros; `/huge` announces 1e12 bytes, `/8mib` 8 MiB, `/endless` nothing (chunked). */
function lyingServer(): http.Server {
  return http.createServer((req, res) => {
    const name = req.url ?? '/';
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/octet-stream' };
    if (name.startsWith('/huge')) headers['content-length'] = '1000000000000';
    if (name.startsWith('/8mib')) headers['content-length'] = String(8 * MiB);
    res.writeHead(200, headers);
    const chunk = Buffer.alloc(64 * 1024);
    const pump = () => {
      let flowing = true;
      while (flowing && !res.destroyed) {
        flowing = res.write(chunk);
        sent.set(name, (sent.get(name) ?? 0) + chunk.length);
      }
    };
    res.on('drain', pump);
    res.on('error', () => undefined);
    pump();
  });
}

before(async () => {
  temp = tempImages();
  server = lyingServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  temp.dispose();
});

async function download(name: string, env: Record<string, string> = {}) {
  const run = await runCli(['download', `http://127.0.0.1:${port}/${name}`, '--sha256', SHA, '--json'], { FIOT_CACHE_DIR: temp.cacheDir, FIOT_CONFIG_DIR: temp.root, ...env });
  return { ...run, last: resultLine<{ ok: boolean; error?: { code: string; message: string; hint?: string } }>(run.stdout) };
}

/** Every file the downloads left in the cache, with its size. */
function partFiles(): Array<[string, number]> {
  const dir = path.join(temp.cacheDir, 'downloads');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => !f.endsWith('.lock')).map((f) => [f, statSync(path.join(dir, f)).size]);
}

test('Content-Length 1e12: refused before anything is written, with the sizes in words', async () => {
  const run = await download('huge/Fedora.raw.xz');
  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.last.error?.code, 'DISK_FULL');
  assert.match(run.last.error!.message, /Fedora.raw.xz is 1 TB, and the image cache may take only .* more \(the free space on its disk less a 1 GiB reserve, and its limit\)\. Nothing was downloaded\./);
  assert.deepEqual(partFiles().filter(([f]) => f.endsWith('.part')), [], 'no part file');
});

test('a length over the cache\'s limit (FIOT_CACHE_LIMIT_GB) is refused the same way', async () => {
  const run = await download('8mib/Fedora.raw.xz', { FIOT_CACHE_LIMIT_GB: '0.004' });
  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.last.error?.code, 'DISK_FULL');
  assert.match(run.last.error!.message, /8\.39 MB, and the image cache may take only 4 MB more/);
  assert.deepEqual(partFiles().filter(([f]) => f.endsWith('.part')), []);
});

test('a body of unknown length is stopped where the room ends', async () => {
  const limit = 4_000_000;
  const run = await download('endless/Fedora.raw.xz', { FIOT_CACHE_LIMIT_GB: '0.004' });
  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.last.error?.code, 'DISK_FULL');
  assert.match(run.last.error!.message, /The download grew past the 4 MB the image cache may still take/);
  const parts = partFiles().filter(([f]) => f.endsWith('.part'));
  assert.equal(parts.length, 1);
  assert.ok(parts[0]![1] <= limit, `the part file holds ${parts[0]![1]} bytes, at most the ${limit} allowed`);
  assert.ok((sent.get('/endless/Fedora.raw.xz') ?? 0) > limit, 'the server did send more than that');
});
