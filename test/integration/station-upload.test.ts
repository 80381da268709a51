/**
 * An image uploaded to a real `fiot-flash station` process on 127.0.0.1: it lands in the images
 * folder byte for byte, source:list offers it, and it flashes to a loop device through the socket
 * API like any offered image. Every refusal (who asks, what name, what size, when busy) is answered
 * before a byte of the body is sent, and leaves the folder as it was; a body cut short or a
 * dropped connection leaves nothing behind. The station stays up throughout.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { FlashResult } from '../../shared/domain/flash';
import { makeFixture, type Fixture } from '../fixtures/fixture';
import { assertCardHoldsImage } from '../helpers/card-check';
import { insertTestCard } from '../helpers/loop';
import { callApi, openApi, stationAnswers } from '../helpers/station-client';
import { spawnStation, type StationProcess } from '../helpers/station-process';
import { loopSkipReason } from '../helpers/system';
import { openConnection, sendAndReset } from '../helpers/hostile-clients';
import { answerOf, folderEntries, folderSettles, putUpload, uploadHead, type UploadRequestOptions } from '../helpers/upload-client';

const MiB = 1024 * 1024;

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('uploading an image to the station', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-station-upload-'));
  const cardDir = path.join(dir, 'cards');
  const images = path.join(dir, 'images');
  let station: StationProcess;
  let fixture: Fixture;
  let image: Buffer;
  const request = (name: string, extra: Partial<UploadRequestOptions> = {}): UploadRequestOptions => ({ name, port: station.port, token: station.token, ...extra });
  /** The cookie the station sets when its page loads: name=value. */
  const pageCookie = async () => ((await fetch(station.url)).headers.get('set-cookie') ?? '').split(';')[0]!;

  before(async () => {
    fixture = await makeFixture({ xz: true });
    image = readFileSync(fixture.xzPath!);
    mkdirSync(images);
    mkdirSync(cardDir);
    // Its cards are stand-ins in their own folder: a station writes only the cards it lists.
    station = await spawnStation({ args: ['--images', images], env: { FIOT_TEST_CARD_DIR: cardDir } });
  });
  afterEach(() => assert.equal(station.running(), true, `the station died: ${station.stderr()}`));
  after(async () => {
    const code = station ? await station.stop() : 0;
    rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0, 'the station stopped cleanly');
  });

  it('saves a .raw.xz byte for byte, offers it in source:list, and flashes it to a loop device', { skip: loopSkipReason() ?? false }, async () => {
    const answer = await putUpload(request('fedora-iot%20test.raw.xz'), image);
    assert.equal(answer.status, 201, answer.body);
    const saved = path.join(images, 'fedora-iot test.raw.xz');
    assert.deepEqual(JSON.parse(answer.body), { path: saved, name: 'fedora-iot test.raw.xz', size: image.length });
    assert.ok(readFileSync(saved).equals(image), 'the saved file is the uploaded one, byte for byte');
    assert.deepEqual(folderEntries(images), ['fedora-iot test.raw.xz'], 'no part file is left');

    const ws = await openApi(station.port, station.token);
    const disk = insertTestCard(cardDir, 'card', fixture.size + 16 * MiB);
    try {
      const listed = await callApi(ws, 1, 'source:list', {});
      assert.deepEqual((listed.value as { images: Array<{ path: string }> }).images.map((i) => i.path), [saved]);
      assert.equal((await callApi(ws, 2, 'drives:resolve', { path: disk.device })).ok, true);
      const done = new Promise<FlashResult>((resolve) => {
        ws.on('message', (data: Buffer) => {
          const message = JSON.parse(data.toString()) as { event?: string; payload?: FlashResult };
          if (message.event === 'flash:done' && message.payload) resolve(message.payload);
        });
      });
      const started = await callApi(ws, 3, 'flash:start', { source: saved, targets: [disk.device] });
      assert.equal(started.ok, true, JSON.stringify(started.error));
      const result = await done;
      assert.equal(result.ok, true, JSON.stringify(result.error));
      assert.equal(result.targets[0]?.verified, true);
      await assertCardHoldsImage(fixture, disk.device);
    } finally {
      ws.close();
      disk.detach();
    }
  });

  it('refuses who may not upload, before the body: no token, a wrong token, a foreign origin, the cookie alone', async () => {
    const before = folderEntries(images);
    const cases: Array<[Partial<UploadRequestOptions>, number, RegExp]> = [
      [{ token: null }, 401, /needs its token/],
      [{ token: 'not-the-token' }, 403, /not this station’s/],
      [{ origin: 'http://evil.example' }, 403, /Only the station’s own page/],
      [{ origin: `http://127.0.0.1:${station.port + 1}` }, 403, /Only the station’s own page/],
      // What a page on another port of this host receives: the station's cookie, which opens no upload.
      [{ token: null, cookie: await pageCookie() }, 401, /needs its token/],
    ];
    for (const [extra, status, words] of cases) {
      // Headers only: the answer must come without a byte of the announced 1 MiB.
      const answer = await putUpload(request('intruder.raw', { contentLength: MiB, ...extra }));
      assert.equal(answer.status, status, JSON.stringify(extra));
      assert.match(answer.body, words);
    }
    assert.deepEqual(folderEntries(images), before, 'nothing was written');
  });

  it('refuses names that are paths, hidden, not images or too long, and a name already there', async () => {
    writeFileSync(path.join(images, 'taken.raw'), 'the first one\n');
    const before = folderEntries(images);
    const cases: Array<[string, number, RegExp]> = [
      ['../x.raw', 400, /is a path|contains “\.\.”/],
      ['%2e%2e%2fx.raw', 400, /is a path|contains “\.\.”/],
      ['a/b.raw', 400, /is a path/],
      ['a%2Fb.raw', 400, /is a path/],
      ['a%5Cb.raw', 400, /is a path/],
      ['notes.txt', 400, /not named like a disk image/],
      ['image.raw.exe', 400, /not named like a disk image/],
      ['.hidden.raw', 400, /hidden file/],
      ['bell%07.raw', 400, /control characters/],
      [`${'n'.repeat(210)}.raw`, 400, /too long/],
      ['%E0%A4%A.raw', 400, /not valid/],
      ['taken.raw', 409, /already has a file named “taken\.raw”/],
    ];
    for (const [name, status, words] of cases) {
      const answer = await putUpload(request(name, { contentLength: MiB }));
      assert.equal(answer.status, status, name);
      assert.match(answer.body, words, name);
    }
    assert.deepEqual(folderEntries(images), before, 'nothing was written or replaced');
    assert.equal(readFileSync(path.join(images, 'taken.raw'), 'utf8'), 'the first one\n');
  });

  it('wants the size first, and refuses one the disk cannot hold, saying how much is free', async () => {
    const before = folderEntries(images);
    const chunked = await putUpload(request('chunked.raw', { contentLength: null }));
    assert.equal(chunked.status, 411);
    assert.match(chunked.body, /must say how large it is/);
    const empty = await putUpload(request('empty.raw', { contentLength: 0 }));
    assert.equal(empty.status, 400);
    assert.match(empty.body, /empty/);
    // A petabyte: more than this machine's disk has free, whatever the machine.
    const huge = await putUpload(request('huge.raw', { contentLength: 2 ** 50 }));
    assert.equal(huge.status, 507);
    assert.match(huge.body, /The station’s disk has [\d.]+ [kMGT]?B free and keeps [\d.]+ [kMGT]?B of it for its own work; “huge\.raw” needs 1\.13 PB/);
    const get = await putUpload(request('get.raw', { method: 'GET' }));
    assert.equal(get.status, 405);
    assert.deepEqual(folderEntries(images), before);
  });

  it('a body cut short or a dropped connection leaves nothing; a second upload meanwhile is told to wait', async () => {
    const before = folderEntries(images);
    const body = Buffer.alloc(4 * MiB, 0x5a);
    // The client sends half and closes its side: the body ended early.
    const short = await openConnection(station.port);
    const shortAnswer = answerOf(short);
    short.write(uploadHead(request('short.raw'), body.length));
    short.end(body.subarray(0, body.length / 2));
    assert.ok([0, 400].includes((await shortAnswer).status), 'refused, or no answer at all');
    assert.deepEqual(await folderSettles(images, before), before, 'no file and no part file left');

    // Half the body, then the connection stays open: the upload holds the station's only slot.
    const dropped = await openConnection(station.port);
    const droppedAnswer = answerOf(dropped);
    dropped.write(uploadHead(request('dropped.raw'), body.length));
    dropped.write(body.subarray(0, body.length / 2));
    await until(() => folderEntries(images).some((entry) => entry.endsWith('.part')));
    const busy = await putUpload(request('second.raw', { contentLength: MiB }));
    assert.equal(busy.status, 429);
    assert.match(busy.body, /receiving another upload: wait until it is done/);
    dropped.resetAndDestroy();
    await droppedAnswer;
    assert.deepEqual(await folderSettles(images, before), before, 'no file and no part file left');
    // The slot is free again.
    assert.equal((await putUpload(request('after.raw'), body)).status, 201);
    assert.equal(await stationAnswers(station.port, station.token), true);
  });

  it('fifty uploads reset mid-body in a row: the station stays up, keeps nothing, and takes the next upload', async () => {
    const before = folderEntries(images);
    for (let i = 0; i < 50; i++) {
      const partial = 'x'.repeat((i % 5) * 64 * 1024);
      await sendAndReset(station.port, uploadHead(request(`reset-${i}.raw`), MiB) + partial);
    }
    // The station may still be cleaning up after the last reset: like a person told "wait", retry.
    let answer = await putUpload(request('after-resets.raw'), Buffer.alloc(MiB, 3));
    for (let retries = 0; answer.status === 429 && retries < 50; retries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await putUpload(request('after-resets.raw'), Buffer.alloc(MiB, 3));
    }
    assert.equal(answer.status, 201, answer.body);
    const after = [...before, 'after-resets.raw'];
    assert.deepEqual(await folderSettles(images, after), after.sort(), 'nothing of the reset uploads is left');
    assert.equal(await stationAnswers(station.port, station.token), true);
  });

  it('a body longer than announced is refused, and nothing is kept', async () => {
    const before = folderEntries(images);
    const announced = Buffer.alloc(MiB, 0x11);
    const answer = await putUpload(request('longer.raw', { contentLength: announced.length }), Buffer.concat([announced, Buffer.from('EXTRA BYTES\r\n\r\n')]));
    assert.equal(answer.status, 400, answer.body);
    assert.deepEqual(await folderSettles(images, before), before);
  });
});

describe('a station started without --images', () => {
  const cache = mkdtempSync(path.join(os.tmpdir(), 'fiot-station-upload-cache-'));
  after(() => rmSync(cache, { recursive: true, force: true }));

  it('saves uploads in uploads/ of the image cache, outside its content-addressed folders, and lists each once', async () => {
    const station = await spawnStation({ env: { FIOT_CACHE_DIR: cache } });
    try {
      const body = Buffer.alloc(MiB, 0x42);
      const answer = await putUpload({ name: 'card.img', port: station.port, token: station.token }, body);
      assert.equal(answer.status, 201, answer.body);
      const saved = path.join(cache, 'uploads', 'card.img');
      assert.equal((JSON.parse(answer.body) as { path: string }).path, saved);
      assert.ok(readFileSync(saved).equals(body));
      const ws = await openApi(station.port, station.token);
      try {
        const listed = (await callApi(ws, 1, 'source:list', {})).value as { folders: string[]; images: Array<{ path: string }> };
        assert.deepEqual(listed.folders, [cache, path.join(cache, 'uploads')]);
        assert.deepEqual(listed.images.map((i) => i.path), [saved], 'the cache and its uploads folder both hold it, but it is listed once');
      } finally {
        ws.close();
      }
    } finally {
      assert.equal(await station.stop(), 0);
    }
  });

  it('removes part files a killed station left, and only those', async () => {
    const uploads = path.join(cache, 'uploads');
    mkdirSync(uploads, { recursive: true });
    const abandoned = path.join(uploads, '.old.raw.0123456789ab.part');
    const others = ['.notes.part', 'mine.raw.0123456789ab.part'];
    for (const name of [abandoned, ...others.map((n) => path.join(uploads, n))]) writeFileSync(name, 'x');
    const anHourAgo = new Date(Date.now() - 3600_000);
    for (const name of [abandoned, ...others.map((n) => path.join(uploads, n))]) utimesSync(name, anHourAgo, anHourAgo);
    // Named like a part file but written just now: it may be another station's live upload.
    others.push('.live.raw.0123456789ab.part');
    writeFileSync(path.join(uploads, others.at(-1)!), 'x');
    const station = await spawnStation({ env: { FIOT_CACHE_DIR: cache } });
    try {
      const left = await folderSettles(uploads, [...others, 'card.img']);
      assert.deepEqual(left, [...others, 'card.img'].sort(), 'the abandoned part is gone; other files stay');
    } finally {
      assert.equal(await station.stop(), 0);
    }
  });

  it('an --images folder that does not exist is a usage error (exit 2), not a station that cannot save', async () => {
    const missing = path.join(cache, 'no-such-folder');
    await assert.rejects(spawnStation({ args: ['--images', missing] }), /exited with 2[\s\S]*--images .*no-such-folder: there is no folder there/);
  });
});
