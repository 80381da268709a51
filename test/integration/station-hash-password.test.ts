/**
 * Issue 18, item 5: one `provision:hash-password` request froze the station (a 110,000-character
 * password hashed on the event loop for ~19 s). Now the contract bounds the password to what
 * Fedora's login can check, and hashing runs off the event loop. Real station process, real socket.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { WebSocket } from 'ws';
import { PASSWORD_MAX_BYTES } from '../../shared/provisioning';
import { callApi, openApi, stationAnswers } from '../helpers/station-client';
import { spawnStation, type StationProcess } from '../helpers/station-process';

describe('provision:hash-password on a station', () => {
  let station: StationProcess;
  let ws: WebSocket;
  let id = 0;
  before(async () => {
    station = await spawnStation();
    ws = await openApi(station.port, station.token);
  });
  afterEach(() => assert.equal(station.running(), true, `the station died: ${station.stderr()}`));
  after(async () => {
    ws?.close();
    assert.equal(await station.stop(), 0);
  });

  it('refuses a 110,000-character password at once with a clear error, and keeps answering', async () => {
    const reply = await callApi(ws, ++id, 'provision:hash-password', { password: 'a'.repeat(110_000) });
    assert.equal(reply.ok, false);
    assert.equal(reply.error?.code, 'INVALID_INPUT');
    assert.match(reply.error!.message, /longer than 511 bytes; Fedora's login cannot check a longer password/);
    assert.equal(await stationAnswers(station.port, station.token), true);
  });

  it('counts bytes, not characters: 300 two-byte characters are refused', async () => {
    const reply = await callApi(ws, ++id, 'provision:hash-password', { password: 'é'.repeat(300) });
    assert.equal(reply.error?.code, 'INVALID_INPUT');
  });

  it('hashes the longest password off the event loop: another request is answered while eight hash', async () => {
    const order: string[] = [];
    const hashes = Array.from({ length: 8 }, (_, i) =>
      callApi(ws, ++id, 'provision:hash-password', { password: `${i}`.repeat(PASSWORD_MAX_BYTES) }).then((reply) => {
        order.push('hash');
        return reply;
      }));
    const listed = callApi(ws, ++id, 'history:list', {}).then((reply) => {
      order.push('history');
      return reply;
    });
    const replies = await Promise.all([...hashes, listed]);
    for (const reply of replies) assert.equal(reply.ok, true, JSON.stringify(reply.error));
    for (const reply of replies.slice(0, 8)) assert.match((reply.value as { hash: string }).hash, /^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    // On the event loop, the eight hashes would all be answered before the request sent after them.
    assert.notEqual(order.at(-1), 'history', `answered in the order ${order.join(', ')}`);
  });
});
