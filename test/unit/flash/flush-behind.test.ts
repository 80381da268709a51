/**
 * Flushes during writing: one starts every N bytes, never two at once, and a failed one is what
 * the final flush throws, even when the device's next flush would pass (Linux reports a failed
 * writeback to one fsync only). The device's flush is a function here: a card whose cache flush
 * fails cannot be made on these machines (device-mapper's error targets fail the writes instead).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlushBehind } from '../../../electron/writer/flush-behind';

function device(failFirst = false) {
  let calls = 0;
  let release: () => void = () => undefined;
  return {
    get calls() {
      return calls;
    },
    finish: () => release(),
    sync: () => {
      calls++;
      const failing = failFirst && calls === 1;
      return new Promise<void>((resolve, reject) => {
        release = () => (failing ? reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })) : resolve());
      });
    },
  };
}

test('starts a flush every N bytes written, and never a second while one runs', async () => {
  const card = device();
  const flushes = new FlushBehind(card.sync, 100);
  flushes.wrote(60);
  assert.equal(card.calls, 0, 'no flush before 100 bytes');
  flushes.wrote(60);
  assert.equal(card.calls, 1, 'a flush once 100 bytes were written');
  flushes.wrote(500);
  assert.equal(card.calls, 1, 'no second flush while the first runs');
  card.finish();
  await flushes.settled();
  flushes.wrote(100);
  assert.equal(card.calls, 2, 'the next flush after 100 more bytes');
  card.finish();
  const final = flushes.flush();
  await flushes.settled();
  card.finish();
  await final;
  assert.equal(card.calls, 3, 'the final flush flushes once more');
});

test('a background flush that failed makes the final flush fail, though the device would now pass it', async () => {
  const card = device(true);
  const flushes = new FlushBehind(card.sync, 100);
  flushes.wrote(100);
  card.finish();
  await flushes.settled();
  await assert.rejects(flushes.flush(), /EIO/);
  assert.equal(card.calls, 1, 'the error is thrown without asking the device again');
});
