/**
 * Time limits around uploads, on a real station on 127.0.0.1 with its limits shortened to seconds
 * (the same code as the default 10 s headers, 30 s request and 30 s stall): an upload that keeps
 * moving may take longer than any request may, a stalled one is cut and leaves nothing, and every
 * other slow request (headers or a body trickled in) is still cut as before.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCore } from '../../electron/core/app-core';
import { loadConfig } from '../../electron/core/config';
import { startStation, type Station, type StationTimeouts } from '../../electron/station/server';
import { stationAnswers } from '../helpers/station-client';
import { openConnection } from '../helpers/hostile-clients';
import { answerOf, folderEntries, folderSettles, uploadHead } from '../helpers/upload-client';

const timeouts: StationTimeouts = { headersMs: 1000, requestMs: 1500, uploadStallMs: 1000, uploadRateWindowMs: 30_000 };
/** Node checks headers every second at most, and a loaded machine is slow: room on top of each limit. */
const SLACK_MS = 2500;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('upload time limits', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-upload-timeouts-'));
  const images = path.join(dir, 'images');
  let station: Station;

  before(async () => {
    mkdirSync(images);
    const core = createCore(loadConfig({ FIOT_CONFIG_DIR: path.join(dir, 'config'), FIOT_CACHE_DIR: path.join(dir, 'cache') }), { imageFolders: [images] });
    station = await startStation({ core, rendererDir: dir, timeouts });
  });
  after(async () => {
    await station?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an upload that keeps moving outlasts the request time limit and is saved whole', async () => {
    const chunks = Array.from({ length: 16 }, (_, i) => Buffer.alloc(64 * 1024, i));
    const body = Buffer.concat(chunks);
    const socket = await openConnection(station.port);
    const answer = answerOf(socket);
    socket.write(uploadHead({ name: 'slow.raw', port: station.port, token: station.token }, body.length));
    // 16 chunks 250 ms apart: 4 s in all, over twice the request limit, never a stall.
    for (const chunk of chunks) {
      await pause(250);
      socket.write(chunk);
    }
    const { status, body: text, closedAfterMs } = await answer;
    assert.equal(status, 201, text);
    assert.ok(closedAfterMs > timeouts.requestMs, `took ${closedAfterMs} ms`);
    assert.ok(readFileSync(path.join(images, 'slow.raw')).equals(body));
  });

  it('an upload that stalls is cut, and neither the file nor its part is left', async () => {
    const before = folderEntries(images);
    const socket = await openConnection(station.port);
    const answer = answerOf(socket, 10_000);
    socket.write(uploadHead({ name: 'stalled.raw', port: station.port, token: station.token }, 4 * 1024 * 1024));
    socket.write(Buffer.alloc(256 * 1024, 7));
    const { closedAfterMs } = await answer;
    assert.ok(closedAfterMs >= timeouts.uploadStallMs && closedAfterMs < timeouts.uploadStallMs + SLACK_MS, `cut after ${closedAfterMs} ms`);
    assert.deepEqual(await folderSettles(images, before), before);
    assert.equal(await stationAnswers(station.port, station.token), true);
  });

  it('any other request still has to arrive in time: slow headers, or a body trickled in', async () => {
    const slowHeaders = await openConnection(station.port);
    const headersAnswer = answerOf(slowHeaders, 10_000);
    slowHeaders.write(`GET /?token=${station.token} HTTP/1.1\r\nHost: 127.0.0.1:${station.port}\r\n`);
    const trickle = await openConnection(station.port);
    const trickleAnswer = answerOf(trickle, 10_000);
    trickle.write(`POST /?token=${station.token} HTTP/1.1\r\nHost: 127.0.0.1:${station.port}\r\nContent-Length: 100\r\n\r\n`);
    const dripping = setInterval(() => trickle.write('x'), 200);
    try {
      const [headers, body] = await Promise.all([headersAnswer, trickleAnswer]);
      assert.ok(headers.closedAfterMs < timeouts.headersMs + SLACK_MS, `slow headers cut after ${headers.closedAfterMs} ms`);
      // 100 bytes at 5 a second would take 20 s: the request limit ends it long before.
      assert.ok(body.closedAfterMs >= timeouts.requestMs && body.closedAfterMs < timeouts.requestMs + SLACK_MS, `trickled body cut after ${body.closedAfterMs} ms`);
    } finally {
      clearInterval(dripping);
    }
  });
});
