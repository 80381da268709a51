/**
 * The check-in listener and service on a real HTTPS socket on loopback, with the station's real
 * certificate (openssl): what is refused before any work (rate, size, method, token), and a run's
 * tokens from issue to "came up", including a card that was not written and a listener that
 * closes once nothing is awaited.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import type { CheckinReport } from '../../../shared/domain/checkin';
import { startCheckinListener, tokenSha256, type Acceptance, type CheckinListener } from '../../../electron/core/checkin/checkin-listener';
import { CheckinService } from '../../../electron/core/checkin/checkin-service';
import { EventBus } from '../../../electron/core/router';
import { stationCertificate, type StationCertificate } from '../../../electron/core/station-certificate';
import { commandsSkipReason } from '../../helpers/system';

const skip = commandsSkipReason('openssl');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

function send(url: string, ca: string, options: { method?: string; token?: string; body?: string; chunked?: boolean } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    const sent = request(url, { method: options.method ?? 'POST', ca, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
    });
    sent.on('error', reject);
    if (options.chunked && options.body) {
      // No Content-Length: the listener must count what arrives.
      for (let at = 0; at < options.body.length; at += 1000) sent.write(options.body.slice(at, at + 1000));
      sent.end();
    } else sent.end(options.body);
  });
}

const TOKEN = 'T'.repeat(43);

describe('check-in listener: refused before any work', { skip: skip ?? false }, () => {
  let dir: string;
  let tls: StationCertificate;
  let listener: CheckinListener;
  let url: string;
  const accepted: Array<{ hash: string; report: CheckinReport; from: string }> = [];
  let answer: Acceptance = 'taken';

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-checkin-listener-'));
    tls = await stationCertificate(dir, ['127.0.0.1']);
    listener = await startCheckinListener({
      address: '127.0.0.1', port: 0, tls, limits: { perAddress: 8, total: 100, windowMs: 60_000 },
      accept: async (hash, report, from) => {
        accepted.push({ hash, report, from });
        return answer;
      },
    });
    url = `https://127.0.0.1:${listener.port}/checkin`;
  });

  after(async () => {
    await listener?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers each kind of wrong request in words, and hands only a good one on (by its token’s hash)', async () => {
    const report = new URLSearchParams({ job: 'job-1', card: '2', hostname: 'greenhouse', macs: 'aa:bb:cc:dd:ee:ff 11:22:33:44:55:66', ips: '192.168.1.57', version: '42' }).toString();
    assert.equal((await send(`https://127.0.0.1:${listener.port}/other`, tls.cert, { token: TOKEN, body: report })).status, 404);
    assert.equal((await send(url, tls.cert, { method: 'GET', token: TOKEN })).status, 405);
    assert.equal((await send(url, tls.cert, { body: report })).status, 401, 'no token');
    assert.equal((await send(url, tls.cert, { token: TOKEN, body: `hostname=${'x'.repeat(5000)}` })).status, 413, 'announced too large');
    assert.equal((await send(url, tls.cert, { token: TOKEN, body: `hostname=${'x'.repeat(5000)}`, chunked: true })).status, 413, 'too large, unannounced');
    assert.equal((await send(url, tls.cert, { token: TOKEN, body: 'job=j&card=zero&hostname=h' })).status, 400, 'a card that is not a number');
    assert.equal(accepted.length, 0, 'nothing reached the decision');

    assert.equal((await send(url, tls.cert, { token: TOKEN, body: report })).status, 204);
    assert.deepEqual(accepted.map((a) => [a.hash, a.report.card, a.report.macs, a.report.ips, a.from]), [[tokenSha256(TOKEN), 2, ['aa:bb:cc:dd:ee:ff', '11:22:33:44:55:66'], ['192.168.1.57'], '127.0.0.1']]);
    answer = 'replayed';
    assert.equal((await send(url, tls.cert, { token: TOKEN, body: report })).status, 409);
  });

  it('answers a flood 429 with Retry-After, without reading it', async () => {
    const before = accepted.length;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await send(url, tls.cert, { token: TOKEN, body: 'job=j&card=1&hostname=h' })).status);
    // 8 a minute from one address: the first test's 9 requests used them up.
    assert.deepEqual(statuses, [429, 429, 429, 429, 429, 429]);
    const limited = await send(url, tls.cert, { token: TOKEN, body: 'job=j&card=1&hostname=h' });
    assert.ok(Number(limited.headers['retry-after']) >= 1 && Number(limited.headers['retry-after']) <= 60);
    assert.equal(accepted.length, before);
  });
});

describe('check-in service: a run’s tokens, from issue to came up', { skip: skip ?? false }, () => {
  it('awaits only cards written to the end, takes each report once, and stops listening when none is awaited', async () => {
    const configDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-checkin-service-'));
    const events = new EventBus();
    const pushed: string[][] = [];
    events.subscribe((event, payload) => {
      if (event === 'checkin:changed') pushed.push((payload as { cards: Array<{ card: number; state: string }> }).cards.map((c) => `${c.card}:${c.state}`));
    });
    const service = new CheckinService({ configDir, events });
    try {
      const endpoint = await service.open({ address: '127.0.0.1' }, 'job-a');
      assert.match(endpoint.pinnedPubkey, /^sha256\/\/[A-Za-z0-9+/]{43}=$/);
      const cards = [1, 2].map((card) => service.issue(endpoint, 'job-a', card));
      assert.notEqual(cards[0]!.token, cards[1]!.token);
      await service.settle('job-a', [{ card: 1, device: '/dev/sdb', written: true, hostname: 'greenhouse', user: 'maya' }, { card: 2, device: '/dev/sdc', written: false }]);
      assert.deepEqual(pushed.at(-1), ['1:awaiting'], 'the card that failed is not awaited');

      const url = `${endpoint.origin}/checkin`;
      const body = (card: number) => new URLSearchParams({ job: 'job-a', card: String(card), hostname: 'greenhouse', ips: '192.168.1.57' }).toString();
      assert.equal((await send(url, endpoint.caCert, { token: cards[1]!.token, body: body(2) })).status, 403, 'a token of a card never written');
      assert.equal((await send(url, endpoint.caCert, { token: cards[0]!.token, body: body(2) })).status, 403, 'a token names its own card only');
      assert.equal((await send(url, endpoint.caCert, { token: cards[0]!.token, body: body(1) })).status, 204);
      const [came] = await service.list();
      assert.equal(came!.state, 'came-up');
      assert.equal(came!.report!.ips[0], '192.168.1.57');
      // Nothing awaited any more: the listener closes (a moment after the answer).
      for (let i = 0; i < 50 && (await send(url, endpoint.caCert, { token: cards[0]!.token, body: body(1) }).then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 50));
      await assert.rejects(send(url, endpoint.caCert, { token: cards[0]!.token, body: body(1) }), /ECONNREFUSED/);
    } finally {
      await service.close();
      rmSync(configDir, { recursive: true, force: true });
    }
  });

  it('says "not heard from" once a card’s wait runs out, and stops listening', async () => {
    const configDir = mkdtempSync(path.join(os.tmpdir(), 'fiot-checkin-silent-'));
    const service = new CheckinService({ configDir, events: new EventBus() });
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const endpoint = await service.open({ address: '127.0.0.1', waitMinutes: 5 }, 'job-b');
      const card = service.issue(endpoint, 'job-b', 1);
      await service.settle('job-b', [{ card: 1, device: '/dev/sdb', written: true, hostname: 'shed' }]);
      mock.timers.tick(4 * 60_000);
      assert.equal((await service.list())[0]!.state, 'awaiting');
      mock.timers.tick(60_000);
      for (let i = 0; i < 20 && (await service.list())[0]!.state === 'awaiting'; i++) await new Promise((r) => setImmediate(r));
      assert.equal((await service.list())[0]!.state, 'silent');
      mock.timers.reset();
      const body = new URLSearchParams({ job: 'job-b', card: '1', hostname: 'shed' }).toString();
      await assert.rejects(send(`${endpoint.origin}/checkin`, endpoint.caCert, { token: card.token, body }), /ECONNREFUSED/, 'nothing listens once no card is awaited');
    } finally {
      mock.timers.reset();
      await service.close();
      rmSync(configDir, { recursive: true, force: true });
    }
  });
});
