/**
 * Downloads against a real loopback HTTP server: resume after a cut connection (within one run and
 * across an app restart), a file that changed on the server, mirror failover, cancel, and "a
 * second request downloads nothing".
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { FiotError } from '../../../shared/errors';
import { startImageServer, type ImageServer } from '../../helpers/image-server';
import { randomImage, sha256, tempImages, type TempImages } from './setup';

const MiB = 1024 * 1024;
let server: ImageServer;
let temp: TempImages;

before(async () => {
  server = await startImageServer();
});
after(async () => {
  temp?.dispose();
  await server.close();
});

function fresh(): TempImages {
  temp?.dispose();
  temp = tempImages();
  server.requests.length = 0;
  Object.keys(server.faults).forEach((k) => delete server.faults[k as keyof typeof server.faults]);
  return temp;
}

test('a transfer cut mid-way resumes with a Range request and verifies', async () => {
  const t = fresh();
  const image = randomImage(3 * MiB);
  server.files.set('/cut.raw.xz', { body: image.body });
  server.faults.cutAfterBytes = { bytes: MiB + 123, times: 1 };
  const entry = await t.service().fetch(server.url('/cut.raw.xz'), { sha256: image.sha256 });
  const ranged = server.requests.filter((r) => r.path === '/cut.raw.xz' && r.range);
  assert.equal(ranged.length, 1, 'one resumed request');
  const resumedAt = Number(/bytes=(\d+)-/.exec(ranged[0]!.range!)![1]);
  assert.ok(resumedAt > 0 && resumedAt <= MiB + 123, `resumed at ${resumedAt}`);
  assert.equal(ranged[0]!.status, 206);
  assert.ok(ranged[0]!.ifRange, 'sent If-Range');
  assert.equal(entry.sha256, image.sha256);
  assert.equal(sha256(readFileSync(path.join(t.cacheDir, entry.file))), image.sha256);
  assert.equal(entry.verification.checksum, 'sha256');
});

test('a download stopped by a dropped link resumes after an app restart', async () => {
  const t = fresh();
  const image = randomImage(2 * MiB);
  server.files.set('/restart.raw', { body: image.body });
  server.faults.cutAfterBytes = { bytes: MiB, times: 2 };
  // The first run gives up (one attempt): the .part stays.
  await assert.rejects(t.service({ attemptsPerUrl: 1 }).fetch(server.url('/restart.raw'), { sha256: image.sha256 }), (e: FiotError) => e.code === 'NETWORK');
  assert.equal((await t.service().cache.list()).length, 0, 'nothing cached from a failed run');
  server.faults.cutAfterBytes = undefined;
  server.requests.length = 0;
  const entry = await t.service().fetch(server.url('/restart.raw'), { sha256: image.sha256 });
  assert.equal(entry.sha256, image.sha256);
  const [request] = server.transfers('/restart.raw');
  assert.equal(request!.status, 206, 'the second run asked only for the rest');
  // Whatever arrived before the cut (up to 1 MiB; a loaded machine may deliver less) is kept.
  const from = Number(/^bytes=(\d+)-$/.exec(request!.range ?? '')?.[1]);
  assert.ok(from > 0 && from <= MiB, `resumed from ${request!.range}`);
});

test('a file that changed on the server restarts from zero instead of splicing two files', async () => {
  const t = fresh();
  const old = randomImage(MiB);
  server.files.set('/changing.raw', { body: old.body, etag: '"v1"' });
  server.faults.cutAfterBytes = { bytes: 300_000, times: 1 };
  await assert.rejects(t.service({ attemptsPerUrl: 1 }).fetch(server.url('/changing.raw')));
  const updated = randomImage(MiB);
  server.files.set('/changing.raw', { body: updated.body, etag: '"v2"' });
  const entry = await t.service().fetch(server.url('/changing.raw'));
  assert.equal(entry.sha256, updated.sha256);
  const last = server.transfers('/changing.raw').at(-1)!;
  assert.equal(last.ifRange, '"v1"');
  assert.equal(last.status, 200, 'If-Range mismatch answered with the whole new file');
});

test('a server that ignores Range gives a clean restart', async () => {
  const t = fresh();
  const image = randomImage(MiB);
  server.files.set('/norange.raw', { body: image.body });
  server.faults.cutAfterBytes = { bytes: 400_000, times: 1 };
  server.faults.ignoreRange = true;
  const entry = await t.service().fetch(server.url('/norange.raw'), { sha256: image.sha256 });
  assert.equal(entry.sha256, image.sha256);
  assert.deepEqual(server.transfers('/norange.raw').map((r) => r.status), [200, 200]);
});

test('fails over to the next mirror and retries 503 with backoff', async () => {
  const t = fresh();
  const image = randomImage(MiB);
  server.files.set('/mirror/img.raw', { body: image.body });
  server.faults.fail503 = 1;
  const mirrors = async () => ['http://127.0.0.1:9/img.raw', server.url('/missing/img.raw'), server.url('/mirror/img.raw')];
  const entry = await t.service({ mirrors, attemptsPerUrl: 2 }).fetch(server.url('/mirror/img.raw'), { sha256: image.sha256 });
  assert.equal(entry.sha256, image.sha256);
  assert.ok(server.requests.some((r) => r.path === '/missing/img.raw' && r.status === 404));
});

test('cancel stops the download with CANCELLED and keeps the part for a resume', async () => {
  const t = fresh();
  const image = randomImage(4 * MiB);
  server.files.set('/slow.raw', { body: image.body });
  server.faults.throttle = { bytes: 64 * 1024, ms: 20 };
  const controller = new AbortController();
  const progress: number[] = [];
  const run = t.service().fetch(server.url('/slow.raw'), {
    sha256: image.sha256,
    signal: controller.signal,
    onProgress: (p) => {
      if (p.step !== 'downloading' || p.bytes === 0) return;
      progress.push(p.bytes);
      assert.equal(p.totalBytes, 4 * MiB);
      if (p.bytes > MiB) controller.abort();
    },
  });
  await assert.rejects(run, (e: FiotError) => e.code === 'CANCELLED');
  assert.ok(progress.length > 0);
  const parts = readdirSync(path.join(t.cacheDir, 'downloads')).filter((n) => n.endsWith('.part'));
  assert.equal(parts.length, 1, 'the partial download is kept');
  server.faults.throttle = undefined;
  const entry = await t.service().fetch(server.url('/slow.raw'), { sha256: image.sha256 });
  assert.equal(entry.sha256, image.sha256);
  assert.equal(server.transfers('/slow.raw').at(-1)!.status, 206);
});

/** Cancels a download of `file` once a MiB of it arrived; returns the CANCELLED error and the part files left. */
async function cancelAfterAMiB(t: TempImages, file: string, sha: string): Promise<{ error: FiotError; parts: string[] }> {
  server.faults.throttle = { bytes: 64 * 1024, ms: 20 };
  const controller = new AbortController();
  let error: FiotError | undefined;
  try {
    await t.service().fetch(server.url(file), { sha256: sha, signal: controller.signal, onProgress: (p) => p.step === 'downloading' && p.bytes > MiB && controller.abort() });
  } catch (thrown) {
    error = thrown as FiotError;
  } finally {
    server.faults.throttle = undefined;
  }
  assert.equal(error?.code, 'CANCELLED');
  return { error: error!, parts: readdirSync(path.join(t.cacheDir, 'downloads')).filter((n) => n.endsWith('.part')) };
}

test('cancel on a server with an ETag and Range says what is kept and that starting again continues it', async () => {
  const t = fresh();
  const image = randomImage(4 * MiB);
  server.files.set('/kept.raw', { body: image.body });
  const { error, parts } = await cancelAfterAMiB(t, '/kept.raw', image.sha256);
  assert.equal(parts.length, 1);
  assert.match(error.message, /^The download was cancelled\. The [\d.]+ MB of 4\.19 MB downloaded so far are kept: starting the download again continues from there\.$/);
});

test('cancel on a server with no ETag nor Last-Modified keeps no part, promises no resume, and the next download asks for all of it', async () => {
  const t = fresh();
  const image = randomImage(4 * MiB);
  server.files.set('/plain.raw', { body: image.body, noValidators: true });
  const { error, parts } = await cancelAfterAMiB(t, '/plain.raw', image.sha256);
  assert.deepEqual(parts, [], 'nothing the next run could continue is kept');
  assert.match(error.message, /^The download was cancelled\. The [\d.]+ MB of 4\.19 MB downloaded so far were not kept, because the server does not let a download continue where it stopped .*: starting it again downloads the image from its start\.$/);
  assert.doesNotMatch(`${error.message} ${error.hint}`, /resumes|kept, so|continue where it stopped\./);
  const before = server.requests.length;
  const entry = await t.service().fetch(server.url('/plain.raw'), { sha256: image.sha256 });
  assert.equal(entry.sha256, image.sha256);
  assert.deepEqual(server.transfers('/plain.raw').filter((r) => server.requests.indexOf(r) >= before).map((r) => [r.range, r.status]), [[undefined, 200]]);
});

test('a second request for the same URL downloads nothing', async () => {
  const t = fresh();
  const image = randomImage(MiB);
  server.files.set('/twice.raw', { body: image.body });
  const first = await t.service().fetch(server.url('/twice.raw'));
  const second = await t.service().fetch(server.url('/twice.raw'));
  assert.equal(second.sha256, first.sha256);
  assert.equal(server.transfers('/twice.raw').length, 1);
  assert.equal(first.verification.checksum, 'none', 'no checksum given: says so');
});

test('a catalog reference downloads its URL, checks the catalog sha256, and is answered from the cache next time', async () => {
  const t = fresh();
  const image = randomImage(MiB);
  server.files.set('/catalog/img.raw.xz', { body: image.body });
  const asked: string[] = [];
  const resolveRef = async (ref: string) => {
    asked.push(ref);
    return { url: server.url('/catalog/img.raw.xz'), sha256: image.sha256, name: 'img.raw.xz' };
  };
  const entry = await t.service({ resolveRef }).fetch('fedora-iot:42@rpi4');
  assert.equal(entry.verification.checksum, 'sha256');
  assert.ok(entry.sources.includes('fedora-iot:42@rpi4'));
  await t.service({ resolveRef }).fetch('fedora-iot:42@rpi4');
  assert.equal(server.transfers('/catalog/img.raw.xz').length, 1);
  // A catalog whose sha256 is wrong stops the download from being kept.
  const wrong = async () => ({ url: server.url('/catalog/img.raw.xz'), sha256: 'cd'.repeat(32), name: 'img.raw.xz' });
  const empty = tempImages();
  try {
    await assert.rejects(empty.service({ resolveRef: wrong }).fetch('fedora-iot:42@rpi4'), (e: FiotError) => e.code === 'CHECKSUM_MISMATCH' && /the catalog/.test(e.message));
  } finally {
    empty.dispose();
  }
});

test('a catalog reference that now names a newer image downloads the newer one', async () => {
  const t = fresh();
  const [older, newer] = [randomImage(MiB), randomImage(MiB)];
  server.files.set('/catalog/old.raw.xz', { body: older.body });
  server.files.set('/catalog/new.raw.xz', { body: newer.body });
  let current = '/catalog/old.raw.xz';
  const resolveRef = async () => ({ url: server.url(current), name: current.split('/').pop()!, sha256: (current.includes('old') ? older : newer).sha256 });
  assert.equal((await t.service({ resolveRef }).fetch('fedora-iot:rawhide@rpi4')).sha256, older.sha256);
  current = '/catalog/new.raw.xz';
  assert.equal((await t.service({ resolveRef }).fetch('fedora-iot:rawhide@rpi4')).sha256, newer.sha256);
});

test('a download whose every byte had already arrived is finished with a 416 and no transfer', async () => {
  const t = fresh();
  const image = randomImage(MiB);
  server.files.set('/done.raw', { body: image.body, etag: '"done"' });
  // What an earlier run left when it stopped right after the last byte, before verifying: a whole
  // .part and its state (downloads are keyed by the expected sha256 when it is known).
  const downloads = path.join(t.cacheDir, 'downloads');
  mkdirSync(downloads, { recursive: true });
  writeFileSync(path.join(downloads, `${image.sha256}.part`), image.body);
  writeFileSync(path.join(downloads, `${image.sha256}.part.json`), JSON.stringify({ url: server.url('/done.raw'), validator: '"done"', totalBytes: MiB }));
  const entry = await t.service().fetch(server.url('/done.raw'), { sha256: image.sha256 });
  assert.equal(entry.sha256, image.sha256);
  assert.deepEqual(server.requests.filter((r) => r.path === '/done.raw').map((r) => [r.status, r.range]), [[416, `bytes=${MiB}-`]]);
  assert.equal(server.transfers('/done.raw').length, 0);
});
