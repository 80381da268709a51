import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProgressMeter } from '../../../electron/core/flash/progress-meter';

test('speed over the recent window, ETA from what is left, both reset by a new phase', () => {
  let now = 0;
  const meter = new ProgressMeter(() => now);
  assert.deepEqual(meter.sample('writing', 0, 1000), { speed: 0, etaSeconds: null });
  now = 1000;
  assert.deepEqual(meter.sample('writing', 100, 1000), { speed: 100, etaSeconds: 9 });
  now = 2000;
  assert.deepEqual(meter.sample('writing', 300, 1000), { speed: 150, etaSeconds: 700 / 150 });
  now = 6000;
  // The first samples fell out of the 3 s window: speed is recent, not an average since the start.
  const recent = meter.sample('writing', 1000, 1000);
  assert.equal(recent.speed, 700 / 4);
  assert.equal(recent.etaSeconds, 0);
  now = 7000;
  assert.deepEqual(meter.sample('verifying', 0, 500), { speed: 0, etaSeconds: null });
  now = 8000;
  assert.deepEqual(meter.sample('verifying', 250, null), { speed: 250, etaSeconds: null });
});
