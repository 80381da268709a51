/**
 * The writer's view of a download it writes while it happens: reads wait for the bytes, the
 * tables wait for the verdict, a download that starts over under bytes already taken fails the
 * job, and the progress says which pipe sets the pace.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DownloadFeed, PACE_VERDICT_MS } from '../../../electron/core/image-source';
import { FiotError } from '../../../shared/errors';

const never = new AbortController().signal;
/** Longer than the feed keeps a wait in mind (a second). */
const PACE_MEMORY_MS_FOR_TEST = 1000;
/** Read afresh each time: an assertion on it must not narrow the next read. */
const failureOf = (feed: DownloadFeed): FiotError | null => feed.failure;

test('a read waits until the download holds more than it has taken, and ends at the announced length', async () => {
  const feed = new DownloadFeed();
  let answered: number | null = null;
  const waiting = feed.available(0, never).then((bytes) => (answered = bytes));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(answered, null, 'nothing on disk yet: it waits');
  assert.equal(feed.pace().limitedBy, 'download', 'and says the download sets the pace');
  feed.update({ type: 'download', bytes: 4096, totalBytes: 8192 });
  assert.equal(await waiting, 4096);
  feed.update({ type: 'download', bytes: 8192, totalBytes: 8192 });
  assert.equal(await feed.available(8192, never), 8192, 'complete: the read at the end returns at once');
  assert.equal(feed.complete, true);
});

test('the tables wait for the verdict: verified resolves, a mismatch rejects with its code', async () => {
  const good = new DownloadFeed();
  const verified = good.verified(never);
  good.update({ type: 'download-verified', bytes: 10, file: '/cache/objects/x/image.raw.xz' });
  await verified;
  assert.equal(good.verifiedFile, '/cache/objects/x/image.raw.xz');

  const bad = new DownloadFeed();
  let stopped: FiotError | null = null;
  bad.onFailure = (error) => (stopped = error);
  const refused = bad.verified(never);
  bad.update({ type: 'download-failed', code: 'CHECKSUM_MISMATCH', message: 'image.raw.xz has sha256 aa, not bb.' });
  await assert.rejects(refused, (error: FiotError) => error.code === 'CHECKSUM_MISMATCH');
  assert.equal((stopped as FiotError | null)?.code, 'CHECKSUM_MISMATCH', 'the job is told to stop');
  await assert.rejects(bad.available(0, never), (error: FiotError) => error.code === 'CHECKSUM_MISMATCH');
});

test('a download that starts over below what was already taken fails; one that only restarts unread bytes does not', async () => {
  const feed = new DownloadFeed();
  feed.update({ type: 'download', bytes: 1 << 20, totalBytes: 4 << 20 });
  await feed.available(512 << 10, never);
  feed.update({ type: 'download', bytes: 600 << 10, totalBytes: 4 << 20 });
  assert.equal(failureOf(feed), null, 'the bytes taken are still on disk as they were');
  feed.update({ type: 'download', bytes: 64 << 10, totalBytes: 4 << 20 });
  assert.equal(failureOf(feed)?.code, 'NETWORK');
  assert.match(failureOf(feed)?.message ?? '', /started over/);
});

test('a cancel ends a wait with CANCELLED', async () => {
  const feed = new DownloadFeed();
  const abort = new AbortController();
  const waiting = feed.available(0, abort.signal);
  abort.abort();
  await assert.rejects(waiting, (error: FiotError) => error.code === 'CANCELLED');
});

test('the cards are said to be slower only after a few seconds without waiting, the download as soon as the writer catches up; how far it read is said', async () => {
  let now = 1_000_000;
  const feed = new DownloadFeed(() => now);
  feed.update({ type: 'download', bytes: 4 << 20, totalBytes: 100 << 20 });
  await feed.available(1 << 20, never);
  // Busy writing the first blocks while the download has a head start: that says nothing yet.
  assert.deepEqual(feed.pace(), { bytes: 4 << 20, totalBytes: 100 << 20, limitedBy: 'card', paceKnown: false, read: 1 << 20 });
  now += PACE_VERDICT_MS - 1;
  assert.equal(feed.pace().paceKnown, false, 'still watching');
  now += 1;
  assert.equal(feed.pace().paceKnown, true, 'known once the writer has read for the whole wait');
  // A read asked beyond the bytes on disk waits: it has not read further than the download.
  const waiting = feed.available(8 << 20, never);
  assert.deepEqual(feed.pace(), { bytes: 4 << 20, totalBytes: 100 << 20, limitedBy: 'download', paceKnown: true, read: 4 << 20 });
  feed.update({ type: 'download', bytes: 10 << 20, totalBytes: 100 << 20 });
  await waiting;
  assert.equal(feed.pace().read, 8 << 20);
  // Busy again just after that wait: not yet a verdict for the cards.
  now += 2 * PACE_MEMORY_MS_FOR_TEST;
  assert.deepEqual({ limitedBy: feed.pace().limitedBy, paceKnown: feed.pace().paceKnown }, { limitedBy: 'card', paceKnown: false });
  now += PACE_VERDICT_MS;
  assert.equal(feed.pace().paceKnown, true);
});
