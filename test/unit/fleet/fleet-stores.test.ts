/**
 * The renderer's fleet logic without a browser: a device table's problems named by line and
 * column before anything is sent; the write waiting for repeated names to be confirmed; each
 * card's own progress (a failed card keeps its place); "Retry failed cards" asking for only those
 * cards, with the numbers they were given.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchBlocker, createFleetStore } from '../../../renderer/src/features/fleet/fleet-store';
import { trackCards } from '../../../renderer/src/features/write/card-track';
import { createJobStore } from '../../../renderer/src/features/write/job-store';
import type { FlashProgress, FlashResult } from '../../../shared/domain/flash';
import { FiotError } from '../../../shared/errors';
import { createFakeApi, settle } from '../../helpers/fake-api';

test('a device table is checked whole: problems name line and column, and nothing is sent', () => {
  const store = createFleetStore(createFakeApi({}));
  store.getState().importTable('hostname,ip\npump-1,10.0.0.2/24\npump-2,nonsense\n', 'devices.csv', { users: [{ name: 'core' }] });
  const { tableProblems, tableRows } = store.getState();
  assert.equal(tableRows, 0);
  assert.match(tableProblems[0]?.message ?? '', /^table: line 3, column 2 \(ip\): /);
  assert.equal(batchBlocker(store.getState(), 1), 'Correct the device table first (First boot step).');

  store.getState().importTable('hostname,ip\npump-1,10.0.0.2/24\npump-2,10.0.0.3/24\n', 'devices.csv', { users: [{ name: 'core' }] });
  assert.deepEqual([store.getState().tableRows, store.getState().tableProblems], [2, []]);
  assert.deepEqual(store.getState().flashFields(), { table: { text: 'hostname,ip\npump-1,10.0.0.2/24\npump-2,10.0.0.3/24\n', name: 'devices.csv' } });
});

test('the rows written come from the core: the preview follows the next unused row until a row is picked', async () => {
  let used = [1, 2];
  const api = createFakeApi({ 'batch:preview': () => ({ cards: [], repeatedNames: [], rowsLeft: 3 - used.length, rowsUsed: used }) });
  const store = createFleetStore(api);
  const text = 'hostname\npump-1\npump-2\npump-3\n';
  store.getState().importTable(text, 'pumps.csv', { users: [{ name: 'core' }] });
  await store.getState().loadRowsUsed({ provisioning: { users: [{ name: 'core' }] } });
  assert.deepEqual(api.calls.at(-1)?.args, { provisioning: { users: [{ name: 'core' }] }, table: { text, name: 'pumps.csv' }, cards: 1 });
  assert.deepEqual([store.getState().rowsUsed, store.getState().previewRow], [[1, 2], 2], 'row 3 is next');
  store.getState().showRow(0);
  used = [1, 2, 3];
  await store.getState().loadRowsUsed({ provisioning: { users: [{ name: 'core' }] } });
  assert.deepEqual([store.getState().rowsUsed, store.getState().previewRow], [[1, 2, 3], 0], 'a row the person picked stays shown');
  store.getState().clearTable();
  assert.equal(store.getState().rowsUsed, null);
});

test('names the history holds block the write until confirmed, and only then allow repeated names', async () => {
  const api = createFakeApi({ 'batch:preview': () => ({ cards: [{ card: 1, n: 3, hostname: 'cam-3' }, { card: 2, n: 4, hostname: 'cam-4' }], repeatedNames: ['cam-3'] }) });
  const store = createFleetStore(api);
  await store.getState().loadPreview({ provisioning: { hostname: 'cam-{n}' }, counterStart: 3 }, ['/dev/sdb', '/dev/sdc']);
  assert.deepEqual(api.calls[0]?.args, { provisioning: { hostname: 'cam-{n}' }, counterStart: 3, cards: 2, devices: ['/dev/sdb', '/dev/sdc'] });
  assert.match(batchBlocker(store.getState(), 2) ?? '', /^Confirm the repeated names/);
  assert.deepEqual(store.getState().flashFields(), {});
  store.getState().confirmRepeats(true);
  assert.equal(batchBlocker(store.getState(), 2), null);
  assert.deepEqual(store.getState().flashFields(), { allowDuplicateHostnames: true });
});

const progress = (bytes: number, targets: FlashProgress['targets']): FlashProgress => ({ jobId: 'j', phase: 'writing', bytes, totalBytes: 1000, speed: 0, etaSeconds: null, percent: null, targets });
const writing = (percent: number) => ({ step: 'writing' as const, percent });

test('each card has its own figure, bytes and speed; a stopped card keeps its figure and has no speed', () => {
  let cards = trackCards({}, progress(100, [{ device: 'a', state: 'writing', bytesWritten: 100, figure: writing(6) }, { device: 'b', state: 'writing', bytesWritten: 100, figure: writing(6) }]), 0);
  cards = trackCards(cards, progress(400, [{ device: 'a', state: 'writing', bytesWritten: 300, figure: writing(26) }, { device: 'b', state: 'failed', bytesWritten: 150, error: { code: 'TARGET_COUNTERFEIT', message: 'x' }, figure: { step: 'failed', percent: 6 } }]), 1000);
  assert.deepEqual([cards.a?.figure.percent, cards.a?.speed, cards.a?.bytesWritten], [26, 200, 300]);
  assert.deepEqual([cards.b?.figure, cards.b?.speed, cards.b?.state], [{ step: 'failed', percent: 6 }, 0, 'failed'], 'a failed card stays where it stopped');
});

test('"Retry failed cards" rewrites only those, with the numbers they were given', async () => {
  const api = createFakeApi({ 'flash:start': () => ({ jobId: `job-${api.calls.length}` }) });
  const store = createJobStore(api);
  store.getState().watch();
  await store.getState().start({ source: '/img.raw', targets: ['/dev/sdb', '/dev/sdc', '/dev/sdd'], provisioning: { hostname: 'cam-{n}' }, counterStart: 7, table: { text: 't', name: 'n' } });
  const result: FlashResult = { jobId: 'job-1', ok: false, source: '/img.raw', imageSize: 1, durationMs: 1, targets: [
    { device: '/dev/sdb', state: 'done', bytesWritten: 1, verified: true, n: 7, hostname: 'cam-7' },
    { device: '/dev/sdc', state: 'failed', bytesWritten: 0, verified: false, n: 8, hostname: 'cam-8' },
    { device: '/dev/sdd', state: 'failed', bytesWritten: 0, verified: false, n: 9, hostname: 'cam-9' },
  ] };
  api.emit('flash:done', result);
  await store.getState().retryFailed();
  await settle();
  assert.deepEqual(api.calls.at(-1)?.args, { source: '/img.raw', targets: ['/dev/sdc', '/dev/sdd'], provisioning: { hostname: 'cam-{n}' }, table: { text: 't', name: 'n' }, cardNumbers: [8, 9] });
});

test('a retry names the failed card; another card in its reader keeps the result on screen and asks before erasing it', async () => {
  const identity = { serial: 'SD-1234', model: 'SanDisk Ultra', size: 32e9 };
  let refuse = true;
  const api = createFakeApi({
    'flash:start': () => {
      if (api.calls.length > 1 && refuse) throw new FiotError('CARD_CHANGED', 'The card in /dev/sdc is not the one that failed: that was SanDisk Ultra, serial SD-1234; this is a card with no serial or model.');
      return { jobId: `job-${api.calls.length}` };
    },
  });
  const store = createJobStore(api);
  store.getState().watch();
  await store.getState().start({ source: '/img.raw', targets: ['/dev/sdc'] });
  const result: FlashResult = { jobId: 'job-1', ok: false, source: '/img.raw', imageSize: 1, durationMs: 1, targets: [{ device: '/dev/sdc', state: 'failed', bytesWritten: 0, verified: false, identity }] };
  api.emit('flash:done', result);
  await store.getState().retryFailed();
  assert.deepEqual((api.calls.at(-1)?.args as { expectedCards?: unknown }).expectedCards, [{ device: '/dev/sdc', identity }]);
  assert.deepEqual([store.getState().status, store.getState().result, store.getState().error, store.getState().changedCard?.code], ['finished', result, null, 'CARD_CHANGED']);
  refuse = false;
  await store.getState().retryFailed(true);
  assert.equal((api.calls.at(-1)?.args as { expectedCards?: unknown }).expectedCards, undefined, 'confirmed: the card in the reader may be erased');
  assert.equal(store.getState().changedCard, null);
});
