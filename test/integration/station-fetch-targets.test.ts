/**
 * A station client asking the station to fetch from the station's own machine, repeated against a
 * real `fiot-flash station` process: `images:download http://127.0.0.1:<port>/…` would fetch and
 * cache any local page (and `flash:start` with such a URL write it to a card), and
 * `ssh-keys:fetch` would map local ports by its errors. Both are refused
 * before a connection is made (the local server sees none), the answer is the same whether a port
 * is open or closed, nothing is cached, and the station keeps answering. A keys fetch has a
 * deadline for the whole answer: one dripped a byte at a time ends there, however it keeps coming.
 */
import assert from 'node:assert/strict';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WebSocket } from 'ws';
import { fetchPublicKeys } from '../../electron/core/ssh-keys/fetch-keys';
import { FiotError } from '../../shared/errors';
import { startLoopbackHttps, type LoopbackHttps } from '../helpers/loopback-https';
import { attachLoop } from '../helpers/loop';
import { ED25519_KEY } from '../helpers/ssh-keys';
import { callApi, openApi, stationAnswers } from '../helpers/station-client';
import { spawnStation, type StationProcess } from '../helpers/station-process';
import { commandsSkipReason, loopSkipReason } from '../helpers/system';

const REFUSED = /^.+ (is on this machine \(the station’s own\)|is at a link-local address \(169\.254\.169\.254\)): the station fetches from such addresses only when it was started with --fetch-local, so nothing was fetched\.$/;

/** A TCP server on 127.0.0.1 that counts the connections it gets and answers none. */
async function listeningPort(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, connections: () => count, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const probe = await listeningPort();
  await probe.close();
  return probe.port;
}

describe('a station does not fetch from its own machine for its clients', () => {
  /** Loop devices over files here are listed as removable cards (the test seam FIOT_TEST_CARD_DIR). */
  const cardDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-fetch-targets-cards-'));
  let station: StationProcess;
  let ws: WebSocket;
  let id = 0;
  const call = (channel: string, args: unknown) => callApi(ws, ++id, channel, args);

  before(async () => {
    station = await spawnStation({ env: { FIOT_TEST_CARD_DIR: cardDir } });
    ws = await openApi(station.port, station.token);
  });
  after(async () => {
    ws?.close();
    const code = station ? await station.stop() : 0;
    rmSync(cardDir, { recursive: true, force: true });
    assert.equal(code, 0, 'the station stopped cleanly');
  });

  async function answersWithinASecond(): Promise<void> {
    const started = Date.now();
    assert.equal(await stationAnswers(station.port, station.token), true);
    assert.ok(Date.now() - started < 1000, `answered after ${Date.now() - started} ms`);
  }

  it('refuses images:download (and images:check-fetch) of a loopback or link-local URL before connecting, and caches nothing', async () => {
    const local = await listeningPort();
    try {
      const cacheBefore = readdirSync(path.join(station.configDir, '..', 'cache')).sort();
      for (const url of [
        `http://127.0.0.1:${local.port}/admin/page.raw`,
        `http://localhost:${local.port}/admin/page.raw`,
        `http://[::ffff:127.0.0.1]:${local.port}/page.raw`,
        `http://127.1:${local.port}/page.raw`,
        'http://169.254.169.254/latest/meta-data/disk.raw',
      ]) {
        const answer = await call('images:download', { source: url });
        assert.equal(answer.ok, false, `${url} was accepted`);
        // Said as what it is, never as a network failure: the app must not tell the person they are offline.
        assert.equal(answer.error?.code, 'LOCAL_ADDRESS_REFUSED');
        assert.match(answer.error?.message ?? '', REFUSED, url);
        assert.match(answer.error?.hint ?? '', /fiot-flash station --fetch-local/);
        // The app asks before it chooses a catalog image to write while it downloads: the same answer, nothing fetched.
        const asked = await call('images:check-fetch', { url });
        assert.equal(asked.error?.code, 'LOCAL_ADDRESS_REFUSED', url);
        assert.match(asked.error?.message ?? '', REFUSED, url);
      }
      assert.equal(local.connections(), 0, 'the local server was never connected to');
      assert.equal((await call('images:check-fetch', { url: 'https://download.fedoraproject.org/pub/alt/iot/' })).ok, true, 'a public address is let through');
      assert.deepEqual(readdirSync(path.join(station.configDir, '..', 'cache')).sort(), cacheBefore, 'nothing was cached');
      await answersWithinASecond();
    } finally {
      await local.close();
    }
  });

  it('refuses flash:start from a loopback URL before connecting, and the card is not written', { skip: loopSkipReason() ?? false }, async () => {
    const local = await listeningPort();
    const backing = path.join(cardDir, 'card.img');
    const fd = openSync(backing, 'w');
    ftruncateSync(fd, 8 * 1024 * 1024);
    closeSync(fd);
    const card = attachLoop(backing);
    try {
      const listed = await call('drives:list', {});
      const drives = (listed.value as { drives: Array<{ device: string }> }).drives;
      assert.ok(drives.some((d) => d.device === card.device), `${card.device} is listed as a card`);
      const answer = await call('flash:start', { source: `http://127.0.0.1:${local.port}/page.raw`, targets: [card.device] });
      assert.equal(answer.ok, false);
      assert.match(answer.error?.message ?? '', REFUSED);
      // The card bench is refused at its switch, not at its first card.
      const bench = await call('bench:start', { source: `http://127.0.0.1:${local.port}/page.raw` });
      assert.equal(bench.error?.code, 'LOCAL_ADDRESS_REFUSED', JSON.stringify(bench));
      assert.equal(local.connections(), 0, 'the local server was never connected to');
      assert.equal(card.sectorsWritten(), 0, 'the card was not written');
      await answersWithinASecond();
    } finally {
      card.detach();
      await local.close();
    }
  });

  it('refuses ssh-keys:fetch of local ports with one answer whether the port is open or closed', async () => {
    const local = await listeningPort();
    try {
      const closed = await closedPort();
      const answers = [];
      for (const port of [local.port, closed]) {
        const answer = await call('ssh-keys:fetch', { url: `https://127.0.0.1:${port}/tech.keys` });
        assert.equal(answer.ok, false);
        answers.push(`${answer.error?.code} ${answer.error?.message?.replace(String(port), 'PORT')}`);
      }
      assert.equal(answers[0], answers[1], 'an open and a closed port read the same');
      assert.match(answers[0]!.replace(/^LOCAL_ADDRESS_REFUSED /, ''), REFUSED);
      const named = await call('ssh-keys:fetch', { url: `https://localhost:${local.port}/tech.keys` });
      assert.match(named.error?.message ?? '', REFUSED);
      assert.equal(local.connections(), 0, 'the local server was never connected to');
      await answersWithinASecond();
    } finally {
      await local.close();
    }
  });
});

describe('a keys fetch has a deadline for the whole answer', { skip: commandsSkipReason('openssl') ?? false }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-keys-deadline-'));
  let server: LoopbackHttps;

  before(async () => {
    // One byte of a real key every 100 ms: never idle, never done.
    server = await startLoopbackHttps(dir, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      let at = 0;
      const drip = setInterval(() => res.write(ED25519_KEY[at++ % ED25519_KEY.length]!), 100);
      res.on('close', () => clearInterval(drip));
    });
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends a dripped answer at the deadline with "could not fetch"', async () => {
    const started = Date.now();
    await assert.rejects(fetchPublicKeys(`${server.base}/drip.keys`, { ca: server.cert, timeoutMs: 1500 }), (error: unknown) => {
      assert.ok(error instanceof FiotError);
      assert.equal(error.code, 'NETWORK');
      assert.match(error.message, /^Could not fetch https:\/\/127\.0\.0\.1:\d+\/drip\.keys: no complete answer within 1\.5 s\.$/);
      return true;
    });
    const took = Date.now() - started;
    assert.ok(took >= 1400 && took < 5000, `ended after ${took} ms`);
  });
});
