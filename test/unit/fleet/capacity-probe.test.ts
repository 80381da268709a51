/**
 * The capacity probe against stand-in cards (in-memory devices: a wrapping or write-dropping
 * counterfeit controller cannot be made from a loop device here): an honest card passes with its
 * blocks restored; a card that wraps at its real size, or drops writes past it, is refused with
 * an estimate of what it holds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { probeCapacity, probeOffsets, type ProbeDevice } from '../../../electron/writer/capacity-probe';

const MB = 1e6;
const CLAIMED = 4096 * 1_048_576; // a "4.29 GB" card

/** A stand-in card holding `real` bytes; past that, writes wrap to (offset mod real) or are dropped. */
function standInCard(real: number, past: 'wrap' | 'drop'): ProbeDevice & { blocks: Map<number, Buffer> } {
  const blocks = new Map<number, Buffer>();
  const where = (offset: number) => (offset < real || past === 'drop' ? offset : offset % real);
  return {
    device: '/dev/sdz',
    size: CLAIMED,
    blocks,
    async read(offset, length) {
      if (offset >= real && past === 'drop') return Buffer.alloc(length);
      return Buffer.from(blocks.get(where(offset)) ?? Buffer.alloc(length, offset % 251));
    },
    async write(data, offset) {
      if (offset >= real && past === 'drop') return;
      blocks.set(where(offset), Buffer.from(data));
    },
    async flush() {},
  };
}

test('an honest card passes, and every probed block gets its old bytes back', async () => {
  const card = standInCard(CLAIMED, 'wrap');
  await probeCapacity(card);
  for (const offset of probeOffsets(CLAIMED)) assert.deepEqual(card.blocks.get(offset), Buffer.alloc(4096, offset % 251));
});

test('a card that wraps at 512 MiB is refused as counterfeit, with about its real size', async () => {
  await assert.rejects(probeCapacity(standInCard(512 * 1_048_576, 'wrap')), (error: { code: string; message: string }) => {
    assert.equal(error.code, 'TARGET_COUNTERFEIT');
    assert.match(error.message, /^\/dev\/sdz is probably counterfeit or failing: it accepted about 5\d\d MB of its claimed 4\.29 GB\.$/);
    return true;
  });
});

test('a card that drops writes past 100 MB is refused, estimating at most what it holds', async () => {
  await assert.rejects(probeCapacity(standInCard(100 * MB, 'drop')), (error: { code: string; message: string }) => {
    assert.equal(error.code, 'TARGET_COUNTERFEIT');
    const accepted = Number(/about ([\d.]+) MB/.exec(error.message)?.[1]);
    assert.ok(accepted >= 100 && accepted < 250, `the first lost block is past the real size: ${error.message}`);
    return true;
  });
});
