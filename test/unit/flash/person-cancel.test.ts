/**
 * A person's Cancel across several cards: the cards it stopped say it in one voice, with what the
 * download left; a card written to the end before it stays written, and one that failed for its
 * own reason keeps that reason (a Retry must still say why).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asCancelled } from '../../../electron/core/flash/person-cancel';
import type { FlashResult } from '../../../shared/domain/flash';
import { mediumWords } from '../../../shared/domain/medium-words';

const card = (device: string, state: FlashResult['targets'][number]['state'], error?: { code: string; message: string }) => ({ device, state, bytesWritten: 0, verified: state === 'done', ...(error ? { error } : {}) });

const result: FlashResult = {
  jobId: 'job', ok: false, source: 'https://mirror.example/img.raw.xz', imageSize: 0, durationMs: 1000,
  targets: [
    card('/dev/sda', 'done'),
    card('/dev/sdb', 'failed', { code: 'WRITE_FAILED', message: 'I/O error at 12 MB.' }),
    card('/dev/sdc', 'cancelled', { code: 'CANCELLED', message: 'The write was cancelled.' }),
    // The download noticed first: the writer failed this one with the download's words.
    card('/dev/sdd', 'failed', { code: 'CANCELLED', message: 'The download was cancelled.' }),
  ],
  error: { code: 'CANCELLED', message: 'The write was cancelled.' },
};

test('the stopped cards say the cancel and the kept download in one voice; a written or failed card keeps its outcome', () => {
  const left = { bytes: 224_000_000, totalBytes: 348_000_000, kept: true };
  const said = asCancelled(result, mediumWords(null), left);
  assert.deepEqual(said.targets.map((t) => [t.state, t.error?.code]), [['done', undefined], ['failed', 'WRITE_FAILED'], ['cancelled', 'CANCELLED'], ['cancelled', 'CANCELLED']]);
  const words = 'The write was cancelled. The 224 MB of 348 MB downloaded so far are kept: the next write continues the download from there.';
  assert.equal(said.targets[2]!.error!.message, words);
  assert.equal(said.targets[3]!.error!.message, words);
  assert.equal(said.targets[3]!.error!.hint, 'The card or USB stick is incomplete: write it again before using it.');
  assert.equal(said.error?.message, words);
  assert.deepEqual(said.downloadLeft, left);
});

test('a download nothing could continue: no promise, and no downloadLeft without a download', () => {
  const notKept = asCancelled(result, { one: 'USB stick', many: 'USB sticks' }, { bytes: 5_000_000, totalBytes: null, kept: false });
  assert.match(notKept.targets[2]!.error!.message, /^The write was cancelled\. The 5 MB downloaded so far were not kept, .*: the next write downloads the image from its start\.$/);
  assert.equal(notKept.targets[2]!.error!.hint, 'The USB stick is incomplete: write it again before using it.');
  const local = asCancelled(result, mediumWords(null), null);
  assert.equal(local.targets[2]!.error!.message, 'The write was cancelled.');
  assert.equal(local.downloadLeft, undefined);
});
