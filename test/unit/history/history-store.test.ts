import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FlashResult } from '../../../shared/domain/flash';
import type { HistoryEntry } from '../../../shared/domain/history';
import { FiotError } from '../../../shared/errors';
import { createHistoryStore } from '../../../renderer/src/features/history/history-store';
import { createFakeApi, settle } from '../../helpers/fake-api';
import { sampleEntry } from './sample-entry';

const done = { jobId: 'j', ok: true, source: 's', imageSize: 1, targets: [], durationMs: 1 } as FlashResult;

test('opening loads the history, a finished flash reloads it, closing stops listening', async () => {
  let stored: HistoryEntry[] = [sampleEntry()];
  const api = createFakeApi({ 'history:list': () => ({ entries: stored }) });
  const store = createHistoryStore(api, () => undefined);
  store.getState().show();
  await settle();
  assert.equal(store.getState().open, true);
  assert.deepEqual(store.getState().entries?.map((e) => e.jobId), ['job-1']);
  assert.deepEqual(api.calls[0], { channel: 'history:list', args: { limit: 500 } });

  stored = [sampleEntry({ jobId: 'job-2' }), ...stored];
  api.emit('flash:done', done);
  await settle();
  assert.deepEqual(store.getState().entries?.map((e) => e.jobId), ['job-2', 'job-1']);

  store.getState().hide();
  assert.equal(store.getState().open, false);
  assert.equal(api.listenerCount('flash:done'), 0);
});

test('Export CSV hands the core’s CSV to the save function under a dated name', async () => {
  const saved: Array<[string, string]> = [];
  const api = createFakeApi({ 'history:export': () => ({ csv: 'time,hostname\r\n' }) });
  const store = createHistoryStore(api, (text, name) => saved.push([text, name]));
  await store.getState().exportCsv();
  assert.equal(saved.length, 1);
  assert.equal(saved[0]![0], 'time,hostname\r\n');
  assert.match(saved[0]![1], /^fiot-flash-history-\d{4}-\d{2}-\d{2}\.csv$/);
});

test('a failure to read the history is shown as the error, not thrown', async () => {
  const api = createFakeApi({ 'history:list': () => { throw new FiotError('INTERNAL', 'EACCES: history.jsonl'); } });
  const store = createHistoryStore(api, () => undefined);
  await store.getState().load();
  assert.equal(store.getState().error?.message, 'EACCES: history.jsonl');
  assert.equal(store.getState().busy, false);
});
