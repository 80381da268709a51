import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { appendEntries, HISTORY_FILE, readEntries, ROTATED_FILE } from '../../../electron/core/history';
import { sampleEntry } from './sample-entry';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-history-log-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('an empty or missing history reads as no entries', async () => {
  assert.deepEqual(await readEntries(path.join(dir, 'nowhere')), []);
});

test('entries come back newest first, and --limit keeps the newest', async () => {
  await appendEntries(dir, [sampleEntry({ jobId: 'first' })]);
  await appendEntries(dir, [sampleEntry({ jobId: 'second', card: 1 }), sampleEntry({ jobId: 'second', card: 2 })]);
  assert.deepEqual((await readEntries(dir)).map((e) => `${e.jobId}/${e.card}`), ['second/2', 'second/1', 'first/1']);
  assert.deepEqual((await readEntries(dir, 1)).map((e) => e.jobId), ['second']);
});

test('a torn last line (crash mid-write) is skipped, and the next entry starts on its own line', async () => {
  await appendEntries(dir, [sampleEntry({ jobId: 'before' })]);
  const line = JSON.stringify(sampleEntry({ jobId: 'torn' }));
  appendFileSync(path.join(dir, HISTORY_FILE), line.slice(0, line.length / 2));
  assert.deepEqual((await readEntries(dir)).map((e) => e.jobId), ['before']);
  await appendEntries(dir, [sampleEntry({ jobId: 'after' })]);
  assert.deepEqual((await readEntries(dir)).map((e) => e.jobId), ['after', 'before']);
});

test('blank lines, foreign JSON and garbage in the file are skipped, not fatal', async () => {
  writeFileSync(path.join(dir, HISTORY_FILE), `\n{"hello":"world"}\nnot json at all\n${JSON.stringify(sampleEntry({ jobId: 'good' }))}\n\n`);
  assert.deepEqual((await readEntries(dir)).map((e) => e.jobId), ['good']);
});

test('past the size limit the log rotates to history.1.jsonl and both are still read', async () => {
  const lineBytes = JSON.stringify(sampleEntry()).length + 1;
  const rotateAtBytes = lineBytes * 3;
  for (let i = 1; i <= 7; i++) await appendEntries(dir, [sampleEntry({ jobId: `job-${i}` })], { rotateAtBytes });
  assert.ok(existsSync(path.join(dir, ROTATED_FILE)));
  const ids = (await readEntries(dir)).map((e) => e.jobId);
  // Three lines per file before a rotation: job 7 is alone in the new file, 4-6 in the old one,
  // and 1-3 went with the first rotation's file when the second replaced it.
  assert.deepEqual(ids, ['job-7', 'job-6', 'job-5', 'job-4']);
});

test('four processes appending at once lose and tear nothing', async () => {
  const perWorker = 150;
  const workers = [1, 2, 3, 4].map((worker) => new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'append-worker.ts'), dir, `w${worker}`, String(perWorker)], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', resolve);
  }));
  assert.deepEqual(await Promise.all(workers), [0, 0, 0, 0]);
  const lines = readFileSync(path.join(dir, HISTORY_FILE), 'utf8').split('\n').filter(Boolean);
  assert.equal(lines.length, 4 * perWorker * 2);
  const entries = await readEntries(dir);
  assert.equal(entries.length, 4 * perWorker * 2, 'every line parses');
  // One job's two cards are one write: they stay next to each other whatever the interleaving.
  for (let i = 0; i < entries.length; i += 2) assert.equal(entries[i]!.jobId, entries[i + 1]!.jobId);
});
