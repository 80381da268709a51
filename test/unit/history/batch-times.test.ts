/** Moments in people's words, and a batch named by when its first card started. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchStart, sheetTitle } from '../../../shared/batch-sheet';
import { formatWhen } from '../../../shared/format-time';

describe('times as people read them', () => {
  it('writes a moment year first, to the minute, in UTC', () => {
    assert.equal(formatWhen('2026-12-07T06:26:07.412Z'), '2026-12-07 06:26 UTC');
    assert.equal(formatWhen('2026-12-07T07:26:07+01:00'), '2026-12-07 06:26 UTC', 'an offset is told in UTC');
    assert.equal(formatWhen('not a time'), 'not a time', 'a damaged record shows as it is, not "Invalid Date"');
  });

  it('names a batch by its earliest card start, whatever order its cards come in', () => {
    // Newest first, as History lists them: the last card finished 06:26:07, the first began 06:25:50.
    const cards = [
      { time: '2026-12-07T06:26:07Z', durationMs: 2_000 },
      { time: '2026-12-07T06:26:06Z', durationMs: 3_000 },
      { time: '2026-12-07T06:25:53Z', durationMs: 3_000 },
    ];
    assert.equal(batchStart(cards), '2026-12-07T06:25:50.000Z');
    assert.equal(sheetTitle(cards), 'Batch 2026-12-07 06:25 UTC: 3 cards');
    assert.equal(sheetTitle(cards.slice(0, 1)), 'Batch 2026-12-07 06:26 UTC: 1 card');
  });
});
