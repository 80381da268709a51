import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Drive } from '../../shared/domain/drive';
import { DriveWatcher } from '../../electron/core/drives/drive-watcher';
import { pauseDuringFlashes } from '../../electron/core/drives/pause-during-flash';
import { EventBus } from '../../electron/core/router';

function card(device: string, size = 32e9): Drive {
  return { device, description: 'Card', size, isSystem: false, isRemovable: true, isReadOnly: false, isVirtual: false, kind: 'drive', mountpoints: [] };
}

function watcherOver(lists: Drive[][]) {
  const changes: Drive[][] = [];
  let calls = 0;
  const watcher = new DriveWatcher({
    list: async () => lists[Math.min(calls++, lists.length - 1)]!,
    onChange: (drives) => changes.push(drives),
  });
  return { watcher, changes, calls: () => calls };
}

describe('DriveWatcher', () => {
  it('reports nothing on the first look, nothing when unchanged, then the new list when a card arrives', async () => {
    const { watcher, changes } = watcherOver([[card('/dev/sdb')], [card('/dev/sdb')], [card('/dev/sdb'), card('/dev/sdc')]]);
    await watcher.poll();
    await watcher.poll();
    assert.equal(changes.length, 0);
    await watcher.poll();
    assert.deepEqual(changes.map((c) => c.map((d) => d.device)), [['/dev/sdb', '/dev/sdc']]);
  });

  it('ignores a mere change of order', async () => {
    const { watcher, changes } = watcherOver([[card('/dev/sdb'), card('/dev/sdc')], [card('/dev/sdc'), card('/dev/sdb')]]);
    await watcher.poll();
    await watcher.poll();
    assert.equal(changes.length, 0);
  });

  it('reports a lock switch moved (same device, now read-only)', async () => {
    const { watcher, changes } = watcherOver([[card('/dev/sdb')], [{ ...card('/dev/sdb'), isReadOnly: true }]]);
    await watcher.poll();
    await watcher.poll();
    assert.equal(changes.length, 1);
  });

  it('compares against the list the caller already has', async () => {
    const { watcher, changes } = watcherOver([[card('/dev/sdb')], [card('/dev/sdb'), card('/dev/sdc')]]);
    watcher.start([card('/dev/sdb')]);
    watcher.stop();
    await watcher.poll();
    assert.equal(changes.length, 0);
    await watcher.poll();
    assert.equal(changes.length, 1);
  });

  it('does not even look while paused, and pauses nest', async () => {
    const { watcher, calls } = watcherOver([[card('/dev/sdb')]]);
    watcher.pause();
    watcher.pause();
    await watcher.poll();
    watcher.resume();
    await watcher.poll();
    assert.equal(calls(), 0);
    watcher.resume();
    await watcher.poll();
    assert.equal(calls(), 1);
  });

  it('polls on its own every interval and stops when asked', async () => {
    let calls = 0;
    const watcher = new DriveWatcher({ list: async () => (calls++, []), onChange: () => {}, intervalMs: 10 });
    watcher.start();
    await new Promise((r) => setTimeout(r, 80));
    watcher.stop();
    const seen = calls;
    assert.ok(seen >= 2, `expected several polls, got ${seen}`);
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(calls, seen);
  });

  it('survives a failing listing and reports the error', async () => {
    const errors: unknown[] = [];
    const watcher = new DriveWatcher({ list: async () => { throw new Error('lsblk failed'); }, onChange: () => {}, onError: (e) => errors.push(e) });
    await watcher.poll();
    assert.equal(errors.length, 1);
  });
});

describe('pauseDuringFlashes', () => {
  const progress = (jobId: string) => ({ jobId, phase: 'writing' as const, bytes: 1, totalBytes: 10, speed: 1, etaSeconds: 9, percent: 6, targets: [] });
  const done = (jobId: string) => ({ jobId, ok: true, source: '/x.raw', imageSize: 10, targets: [], durationMs: 5 });

  it('pauses while any job runs and resumes after the last one ends', () => {
    const events = new EventBus();
    const watcher = new DriveWatcher({ list: async () => [], onChange: () => {} });
    pauseDuringFlashes(events, watcher);
    events.emit('flash:progress', progress('a'));
    events.emit('flash:progress', progress('a'));
    events.emit('flash:progress', progress('b'));
    assert.equal(watcher.paused, true);
    events.emit('flash:done', done('a'));
    assert.equal(watcher.paused, true);
    events.emit('flash:done', done('b'));
    assert.equal(watcher.paused, false);
    events.emit('flash:done', done('b'));
    assert.equal(watcher.paused, false);
  });
});
