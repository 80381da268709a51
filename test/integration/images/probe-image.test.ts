/**
 * The one-byte question the CLI card bench asks an image's servers before its erase question, over
 * a real loopback server: the file's length from a server that sends parts (one byte sent); from
 * one that ignores Range, the length too, with the body left unread (the connection is closed, not
 * the image downloaded); a server error is left to the download (it retries); a missing file and a
 * closed port fail in the download's own words.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { probeImage } from '../../../electron/core/images/download/probe';
import { FiotError } from '../../../shared/errors';
import { closedPort } from '../../helpers/connect-proxy';
import { startImageServer, type ImageServer } from '../../helpers/image-server';

const IMAGE = '/site-image.raw.xz';
const body = randomBytes(4 * 1024 * 1024);
let server: ImageServer;

before(async () => {
  server = await startImageServer({ [IMAGE]: body });
});
after(async () => {
  await server?.close();
});

test('a server that sends parts tells the length for one byte', async () => {
  assert.equal(await probeImage([server.url(IMAGE)]), body.length);
  const last = server.requests.at(-1)!;
  assert.deepEqual([last.range, last.status, last.bytesSent], ['bytes=0-0', 206, 1]);
});

test('a server that ignores Range tells the length, and the image is not read to its end', async () => {
  server.faults.ignoreRange = true;
  server.faults.throttle = { bytes: 64 * 1024, ms: 10 };
  try {
    assert.equal(await probeImage([server.url(IMAGE)]), body.length);
    // Read on, the whole file would have been sent by now (4 MiB at ~6 MB/s).
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const last = server.requests.at(-1)!;
    assert.equal(last.status, 200);
    assert.ok(last.bytesSent < body.length / 2, `the connection was closed early (${last.bytesSent} of ${body.length} bytes sent)`);
  } finally {
    server.faults.ignoreRange = false;
    server.faults.throttle = undefined;
  }
});

test('a server error is left to the download; a missing file and a closed port fail in words', async () => {
  server.faults.fail503 = 1;
  assert.equal(await probeImage([server.url(IMAGE)]), null);
  await assert.rejects(probeImage([server.url('/missing.raw.xz')]), (error: FiotError) => error.code === 'NETWORK' && /The download failed on every mirror: .*\/missing\.raw\.xz: HTTP 404/.test(error.message));
  const port = await closedPort();
  await assert.rejects(probeImage([`http://127.0.0.1:${port}${IMAGE}`]), (error: FiotError) => error.code === 'OFFLINE' && error.message === `127.0.0.1:${port} did not answer (ECONNREFUSED), so nothing was downloaded.`);
  // A second mirror that answers is enough.
  assert.equal(await probeImage([`http://127.0.0.1:${port}${IMAGE}`, server.url(IMAGE)]), body.length);
});
