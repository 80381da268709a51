/**
 * A name the history holds, written again: on the same card (serial, model and size as the history
 * recorded them) it is that device replacing itself, not a repeat; on another card, or on a card
 * that cannot be told apart (no serial), it is one the user must confirm.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { appendEntries } from '../../../electron/core/history/flash-log';
import { previewBatch } from '../../../electron/core/provision/plan-flash';
import type { CardIdentity } from '../../../shared/domain/drive';
import type { HistoryEntry } from '../../../shared/domain/history';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-same-card-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const GB8 = 7_948_206_080;
const profile = { hostname: 'mayas-pi', users: [{ name: 'maya', sshAuthorizedKeys: [] }] };

function written(device: CardIdentity, result: HistoryEntry['result'] = 'verified'): HistoryEntry {
  return {
    time: '2026-12-07T09:46:00.000Z', jobId: `job-${device.serial ?? 'none'}-${result}`, card: 1, source: { given: 'fedora-iot:43@rpi4' }, imageSize: 1,
    device: { path: '/dev/sdb', size: device.size ?? null, ...(device.model ? { model: device.model } : {}), ...(device.serial ? { serial: device.serial } : {}) },
    ...(result === 'verified' ? { hostname: 'mayas-pi' } : {}), provisioning: { mode: 'config', users: ['maya'] }, result, durationMs: 1,
  };
}

const repeats = async (card?: CardIdentity) => (await previewBatch({ provisioning: profile }, 1, dir, card ? [card] : undefined)).repeatedNames;

test('the card that holds the name takes it again without a warning; another card, or none named, still warns', async () => {
  const mayas = { serial: '0x1a2b3c4d', model: 'SanDisk SC16G', size: GB8 };
  await appendEntries(dir, [written(mayas)]);
  assert.deepEqual(await repeats(mayas), []);
  assert.deepEqual(await repeats({ ...mayas, serial: '0x99999999' }), ['mayas-pi'], 'another card of the same model and size');
  assert.deepEqual(await repeats({ ...mayas, size: 2 * GB8 }), ['mayas-pi'], 'the same serial reported at another size is not known to be the card');
  assert.deepEqual(await repeats(), ['mayas-pi'], 'no card named (the CLI bench before a card is in)');
});

test('a card without a serial cannot be told from another of its model and size: its name warns', async () => {
  const plain = { model: 'Generic SD', size: GB8 };
  await appendEntries(dir, [written(plain)]);
  assert.deepEqual(await repeats(plain), ['mayas-pi']);
});

test('once another card carries the name too, the first card taking it back still warns', async () => {
  const first = { serial: 'A1', model: 'SD', size: GB8 };
  await appendEntries(dir, [written(first), written({ ...first, serial: 'B2' })]);
  assert.deepEqual(await repeats(first), ['mayas-pi']);
});
