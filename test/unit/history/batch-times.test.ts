/** Moments in people's words, and a batch named by the time its first row shows. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchTime, sheetTitle } from '../../../shared/batch-sheet';
import { formatWhen } from '../../../shared/format-time';

describe('times as people read them', () => {
  it('writes a moment year first, to the minute, in UTC', () => {
    assert.equal(formatWhen('2026-12-07T06:26:07.412Z'), '2026-12-07 06:26 UTC');
    assert.equal(formatWhen('2026-12-07T07:26:07+01:00'), '2026-12-07 06:26 UTC', 'an offset is told in UTC');
    assert.equal(formatWhen('not a time'), 'not a time', 'a damaged record shows as it is, not "Invalid Date"');
  });

  it('names a batch by the time of its first card’s row, whatever order its cards come in', () => {
    // Newest first, as History lists them: rows read 06:26, 06:26 and 06:25 (the first card began at 06:24:50).
    const cards = [
      { time: '2026-12-07T06:26:07Z', durationMs: 2_000 },
      { time: '2026-12-07T06:26:06Z', durationMs: 3_000 },
      { time: '2026-12-07T06:25:53Z', durationMs: 63_000 },
    ];
    assert.equal(batchTime(cards), '2026-12-07T06:25:53.000Z');
    assert.equal(sheetTitle(cards), 'Batch 2026-12-07 06:25 UTC: 3 cards');
    assert.equal(sheetTitle(cards.slice(0, 1)), 'Batch 2026-12-07 06:26 UTC: 1 card');
    const rows = cards.map((card) => formatWhen(card.time));
    assert.ok(rows.some((row) => sheetTitle(cards).includes(row)), 'the name is a time one of its rows shows');
  });
});
