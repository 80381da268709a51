import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProgressMeter } from '../../shared/progress-meter';

const figures = ({ speed, etaSeconds }: { speed: number; etaSeconds: number | null }) => ({ speed, etaSeconds });

test('speed over the recent window, ETA from what is left, both reset by a new phase', () => {
  let now = 0;
  const meter = new ProgressMeter(() => now);
  assert.deepEqual(meter.sample(0, 1000, 'writing'), { bytes: 0, totalBytes: 1000, speed: 0, etaSeconds: null });
  now = 1000;
  assert.deepEqual(figures(meter.sample(100, 1000, 'writing')), { speed: 100, etaSeconds: 9 });
  now = 2000;
  assert.deepEqual(figures(meter.sample(300, 1000, 'writing')), { speed: 150, etaSeconds: 700 / 150 });
  now = 6000;
  // The first samples fell out of the 3 s window: speed is recent, not an average since the start.
  const recent = meter.sample(1000, 1000, 'writing');
  assert.equal(recent.speed, 700 / 4);
  assert.equal(recent.etaSeconds, 0);
  now = 7000;
  assert.deepEqual(figures(meter.sample(0, 500, 'verifying')), { speed: 0, etaSeconds: null });
  now = 8000;
  assert.deepEqual(figures(meter.sample(250, null, 'verifying')), { speed: 250, etaSeconds: null });
});

test('a restart from zero (a 200 after a failed resume) clears the window instead of a negative speed', () => {
  let now = 0;
  const meter = new ProgressMeter(() => now);
  meter.sample(0, 1000);
  now = 1000;
  assert.equal(meter.sample(100, 1000).speed, 100);
  now = 2000;
  assert.equal(meter.sample(0, 1000).speed, 0);
  now = 3000;
  assert.equal(meter.sample(50, 1000).speed, 50);
});
