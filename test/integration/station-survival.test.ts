/**
 * A station nobody can knock over: each hostile connection a client or a token holder can make
 * on loopback is answered or closed, and a later authenticated request is still answered. Before
 * these listeners existed, each of these threw out of the station's process and ended it.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { afterEach, after, before, describe, it } from 'node:test';
import { MAX_MESSAGE_BYTES } from '../../electron/station/socket-api';
import { clientFrame, sendAndReset, sendFrames, sendRaw, TEXT_FRAME, upgradeRequest } from '../helpers/hostile-clients';
import { stationAnswers } from '../helpers/station-client';
import { spawnStation, type StationProcess } from '../helpers/station-process';

/** GET with a Host header of our choosing (fetch does not let a caller set Host). */
function getWithHost(port: number, pathAndQuery: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: pathAndQuery, headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('station survives hostile connections', () => {
  let station: StationProcess;
  before(async () => {
    station = await spawnStation();
  });
  // The process itself must still be there: an uncaught error would have ended it.
  afterEach(() => assert.equal(station.running(), true, `the station died: ${station.stderr()}`));
  after(async () => {
    assert.equal(await station.stop(), 0);
  });

  it('an upgrade without a token whose client resets the connection', async () => {
    for (let i = 0; i < 200; i++) await sendAndReset(station.port, upgradeRequest(station.port));
    for (let i = 0; i < 50; i++) await sendAndReset(station.port, upgradeRequest(station.port, { token: 'wrong' }));
    assert.equal(await stationAnswers(station.port, station.token), true);
  });

  it('a frame over the size limit from a token holder: closed with 1009 (message too big)', async () => {
    const claimed = await sendFrames(station.port, station.token, [clientFrame(TEXT_FRAME, Buffer.from('{"id":1'), MAX_MESSAGE_BYTES + 1)]);
    assert.equal(claimed, 1009);
    const real = await sendFrames(station.port, station.token, [clientFrame(TEXT_FRAME, Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20))]);
    assert.equal(real, 1009);
    assert.equal(await stationAnswers(station.port, station.token), true);
  });

  it('a text frame that is not UTF-8 from a token holder: closed with 1007 (invalid data)', async () => {
    const code = await sendFrames(station.port, station.token, [clientFrame(TEXT_FRAME, Buffer.from([0x7b, 0xff, 0xfe, 0xc3, 0x28, 0x7d]))]);
    assert.equal(code, 1007);
    assert.equal(await stationAnswers(station.port, station.token), true);
  });

  it('a broken frame (a reserved opcode) from a token holder: closed with 1002 (protocol error)', async () => {
    assert.equal(await sendFrames(station.port, station.token, [clientFrame(0x3, Buffer.from('x'))]), 1002);
    assert.equal(await stationAnswers(station.port, station.token), true);
  });

  it('a Host that is not the station’s (DNS rebinding) gets 421, the token notwithstanding', async () => {
    for (const host of [`rebind.example:${station.port}`, `127.0.0.1:${station.port + 1}`, 'rebind.example']) {
      const page = await getWithHost(station.port, `/?token=${station.token}`, host);
      assert.equal(page.status, 421, host);
      assert.match(page.body, /answers only to the address it printed \(127\.0\.0\.1\) or localhost/);
      const upgrade = await sendRaw(station.port, upgradeRequest(station.port, { token: station.token, host }));
      assert.match(upgrade, /^HTTP\/1\.1 421 /, host);
    }
    assert.equal((await getWithHost(station.port, `/?token=${station.token}`, `localhost:${station.port}`)).status, 200, 'localhost is served');
    assert.equal(await stationAnswers(station.port, station.token), true);
  });

  it('garbage instead of HTTP, and a request cut off by a reset', async () => {
    assert.match(await sendRaw(station.port, 'NOT HTTP AT ALL\r\n\r\n'), /^HTTP\/1\.1 400 /);
    for (let i = 0; i < 50; i++) await sendAndReset(station.port, `GET /?token=${station.token} HTTP/1.1\r\nHost: 127.0.0.1:${station.port}\r\n\r\n`);
    assert.equal(await stationAnswers(station.port, station.token), true);
  });
});
