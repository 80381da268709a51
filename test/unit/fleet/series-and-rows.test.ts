/**
 * The state a fleet day leans on: hostname numbers that are never handed out twice, even to two
 * processes at once, and device-table rows that go to one card each, come back when that card
 * failed, and are freed when the process holding them died.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { SeriesStore } from '../../../electron/core/provision/series-store';
import { rowKey, TableState } from '../../../electron/core/provision/table-state';
import { readDeviceTable, type DeviceRow } from '../../../shared/provisioning';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-series-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a series continues from where the last run stopped, and --counter-start moves it', async () => {
  const store = new SeriesStore(dir);
  assert.equal(await store.peek('cam-{n}'), 1);
  assert.equal(await store.take('cam-{n}', 2), 1);
  assert.equal(await new SeriesStore(dir).take('cam-{n}', 2), 3, 'a new store (a restart) continues');
  assert.equal(await store.take('cam-{n}', 1, 20), 20);
  assert.equal(await store.peek('cam-{n}'), 21);
  assert.equal(await store.peek('other-{n}'), 1, 'each pattern has its own series');
  await store.set('other-{n}', 7);
  assert.deepEqual(await store.list(), { 'cam-{n}': 21, 'other-{n}': 7 });
});

test('two processes taking numbers at once never get the same one', async () => {
  const perWorker = 25;
  const runs = [1, 2].map(() => new Promise<number[]>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'series-worker.ts'), dir, String(perWorker)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(`worker exited ${code}`))));
  }));
  const taken = (await Promise.all(runs)).flat().sort((a, b) => a - b);
  assert.deepEqual(taken, Array.from({ length: 2 * perWorker }, (_, i) => i + 1));
  assert.equal(await new SeriesStore(dir).peek('sensor-{n:03}'), 2 * perWorker + 1);
});

function rows(): DeviceRow[] {
  const { table, problems } = readDeviceTable('hostname\nrow-a\nrow-b\nrow-c\n', {});
  assert.deepEqual(problems, []);
  return table!.rows;
}

test('rows are reserved in order, used once their card is done, and a failed card gives its row back', async () => {
  const state = new TableState(dir);
  const first = await state.reserve(rows(), 2, 'job-1');
  assert.deepEqual(first.map((r) => r.values.hostname), ['row-a', 'row-b']);
  const meanwhile = await state.reserve(rows(), 2, 'job-2');
  assert.deepEqual(meanwhile.map((r) => r.values.hostname), ['row-c'], 'a second run does not take rows another holds');
  await state.settle('job-2', []);
  await state.settle('job-1', [{ row: first[0]!, device: '/dev/loop1' }]);
  assert.deepEqual(await state.usedRows(rows()), [true, false, false]);
  const retry = await state.reserve(rows(), 3, 'job-3');
  assert.deepEqual(retry.map((r) => r.values.hostname), ['row-b', 'row-c'], 'the failed card’s row comes back first');
});

test('a row reserved by a process that died is free again', async () => {
  const dead = spawn(process.execPath, ['-e', '']);
  const pid = dead.pid!;
  await new Promise((resolve) => dead.on('exit', resolve));
  writeFileSync(path.join(dir, 'table-rows.json'), JSON.stringify({ format: 'fiot-table-rows/1', used: {}, reserved: { [rowKey(rows()[0]!)]: { jobId: 'gone', pid, host: os.hostname() } } }));
  const taken = await new TableState(dir).reserve(rows(), 1, 'job-4');
  assert.deepEqual(taken.map((r) => r.values.hostname), ['row-a']);
});

test('numbers given outright (a retry of failed cards) are used as they are, and the series stays put', async () => {
  const { planFlashProvisioning } = await import('../../../electron/core/provision/plan-flash');
  const store = new SeriesStore(dir);
  await store.set('cam-{n}', 10);
  const drives = ['/dev/sdx', '/dev/sdy'].map((device) => ({ device, description: '', size: 1e9, isSystem: false, isRemovable: true, isReadOnly: false, isVirtual: false, kind: 'drive' as const, mountpoints: [] }));
  const { targets } = await planFlashProvisioning({ provisioning: { hostname: 'cam-{n}', users: [{ name: 'core' }] }, cardNumbers: [4, 7], allowDuplicateHostnames: false }, drives, undefined, { configDir: dir, jobId: 'retry' });
  assert.deepEqual(targets.map((t) => [t.n, t.hostname]), [[4, 'cam-4'], [7, 'cam-7']]);
  assert.equal(await store.peek('cam-{n}'), 10);
});
