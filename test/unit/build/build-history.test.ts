import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { BuildHistory } from '../../../electron/core/build/build-history';
import type { BuildRecord } from '../../../shared/domain/build';

const record = (i: number, extra: Partial<BuildRecord> = {}): BuildRecord => ({
  id: `b${i}`, reference: 'quay.io/fedora/fedora-iot:42', arch: 'aarch64', rootfs: 'ext4', status: 'running',
  startedAt: new Date(Date.UTC(2026, 10, 26, 8, i)).toISOString(), ...extra,
});

test('the history keeps the newest builds, updates in place, and survives a damaged file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-history-'));
  try {
    const history = new BuildHistory(dir, 3);
    for (let i = 1; i <= 5; i++) history.put(record(i));
    assert.deepEqual(history.list().map((r) => r.id), ['b5', 'b4', 'b3']);
    history.put(record(4, { status: 'succeeded', endedAt: new Date().toISOString(), digest: `sha256:${'1'.repeat(64)}` }));
    assert.deepEqual(history.list().map((r) => [r.id, r.status]), [['b5', 'running'], ['b4', 'succeeded'], ['b3', 'running']]);
    writeFileSync(history.file, '{ not json');
    assert.deepEqual(history.list(), []);
    history.put(record(9));
    assert.deepEqual(history.list().map((r) => r.id), ['b9']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
