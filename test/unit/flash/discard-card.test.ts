/**
 * The discard's decisions that need no card: a run with --no-discard, an image file, a device
 * whose queue takes no discard; and the look afterwards, against stand-in cards (a card that
 * acknowledges a discard and still returns its old bytes cannot be made from a loop device: the
 * kernel punches a hole in its file). The real discards are proven on loop devices in
 * test/integration/flash-discard.test.ts and, through a UDisks2 descriptor, flash-udisks.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { discardCard, stillReadable } from '../../../electron/writer/discard-card';
import { oldDataWords } from '../../../shared/domain/old-data';

const MiB = 1024 * 1024;

/** A stand-in card of `size` bytes whose every block reads as `block(offset)`. */
function card(size: number, block: (offset: number) => Buffer) {
  const reads: number[] = [];
  return {
    device: '/dev/null',
    size,
    reads,
    async read(offset: number, length: number) {
      reads.push(offset);
      return block(offset).subarray(0, length);
    },
  };
}

test('erased flash reads as all zeros or all ones: nothing readable is left', async () => {
  assert.equal(await stillReadable(card(64 * MiB, () => Buffer.alloc(4096)), 64 * MiB), false);
  assert.equal(await stillReadable(card(64 * MiB, () => Buffer.alloc(4096, 0xff)), 64 * MiB), false);
});

test('a card that took the discard but returns old bytes in one block, far from the start, is caught', async () => {
  const size = 1024 * MiB;
  const stale = card(size, (offset) => (offset === 512 * MiB ? Buffer.from('psk=OldSite;'.repeat(342)) : Buffer.alloc(4096)));
  assert.equal(await stillReadable(stale, size), true);
  assert.ok(stale.reads.includes(512 * MiB), 'the blocks read are spread over the whole card');
});

test('--no-discard, an image file and a device without a discard queue are said, never a failure', async () => {
  const device = card(64 * MiB, () => Buffer.alloc(4096));
  assert.deepEqual(await discardCard(device, { enabled: false }), { discarded: false, reason: 'turned-off' });
  assert.equal(await discardCard({ ...device, size: null }, { enabled: true }), undefined, 'an image file starts empty');
  if (process.platform === 'linux') {
    // /dev/null is a character device: no /sys/class/block entry, so no discard queue.
    assert.deepEqual(await discardCard(device, { enabled: true }), { discarded: false, reason: 'unsupported' });
  }
  assert.deepEqual(device.reads, [], 'nothing was read or written for any of them');
});

test('the words a person reads', () => {
  assert.equal(oldDataWords({ discarded: false, reason: 'unsupported' }), 'Old data may remain in this card’s free space: it cannot erase it quickly (the card or its reader does not take a discard).');
  assert.equal(
    oldDataWords({ discarded: false, reason: 'failed', detail: 'BLKDISCARD ioctl failed: Input/output error' }),
    'Old data may remain in this card’s free space: discarding it first did not succeed (BLKDISCARD ioctl failed: Input/output error).',
  );
  assert.match(oldDataWords({ discarded: true }), /^Its old contents were discarded before writing/);
});
