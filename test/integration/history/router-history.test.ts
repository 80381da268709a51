/**
 * The app's and the station's path: flash:start through the core's router records each card, and
 * history:list / history:export read them back (the same router the WebSocket and IPC serve).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createCore, type Core } from '../../../electron/core/app-core';
import { loadConfig } from '../../../electron/core/config';
import { coreCalls } from '../../helpers/core-calls';
import type { HistoryEntry } from '../../../shared/domain/history';

let dir: string;
let core: Core;

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-history-router-'));
  core = createCore({ ...loadConfig({}), configDir: path.join(dir, 'config'), cacheDir: path.join(dir, 'cache') }, { imageFolders: [dir] });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const { call, flashDone } = coreCalls(() => core);

test('a flash started over the router is in history:list and history:export', async () => {
  const image = path.join(dir, 'tiny, "quoted".raw');
  writeFileSync(image, randomBytes(2 * 1024 * 1024));
  const target = path.join(dir, 'card.img');
  await call('drives:resolve', { path: target });
  const { jobId } = await call<{ jobId: string }>('flash:start', { source: image, targets: [target] });
  const result = await flashDone(jobId);
  assert.equal(result.ok, true, JSON.stringify(result.error));
  assert.deepEqual(readFileSync(target), readFileSync(image));

  const { entries } = await call<{ entries: HistoryEntry[] }>('history:list', {});
  assert.equal(entries.length, 1);
  assert.equal(entries[0]!.jobId, jobId);
  assert.equal(entries[0]!.device.path, target);
  assert.equal(entries[0]!.device.kind, 'file');
  assert.equal(entries[0]!.result, 'verified');
  assert.equal(entries[0]!.writtenSha256, result.targets[0]!.writtenSha256);

  const { csv } = await call<{ csv: string }>('history:export', {});
  const lines = csv.split('\r\n');
  assert.match(lines[0]!, /^time,hostname,device,/);
  // The file name's comma and quotes are quoted, so a spreadsheet keeps it in one cell.
  assert.ok(lines[1]!.includes(`"${image.replace(/"/g, '""')}"`), lines[1]);
  assert.equal(lines.length, 3, 'a header, one row, and the final line end');
});

test('history:list refuses a limit that is not a positive whole number', async () => {
  const answer = await core.router.handle('history:list', { limit: 0 });
  assert.equal(answer.ok, false);
  assert.equal(!answer.ok && answer.error.code, 'INVALID_INPUT');
});
