/**
 * The writer's chunking of a decoded stream: whatever sizes the decoder's pieces have (xz writes
 * 8 KiB; a piece may also exceed a chunk), the chunks carry every byte once, in order, at the
 * right offsets, with a short last chunk, or a short one asked for early; and the fixed-ranges map
 * answers by intersection.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { fixedRanges } from '../../../electron/core/image-source/allocation-map';
import { EarlyChunk, streamChunks } from '../../../electron/core/image-source/chunks';
import { piecesOf } from '../../../electron/core/image-source/ranges';

test('stream chunks: every byte once, in order, whatever the piece sizes', async () => {
  const chunkSize = 16 * 1024;
  const input = randomBytes(5 * chunkSize + 1234);
  const stream = new PassThrough();
  const sizes = [3000, 8192, 40 * 1024, 1, 8192, 100, 60 * 1024];
  void (async () => {
    let at = 0;
    for (let i = 0; at < input.length; i++) {
      const n = Math.min(sizes[i % sizes.length]!, input.length - at);
      if (!stream.write(input.subarray(at, at + n))) await new Promise((r) => stream.once('drain', r));
      at += n;
      // Let the reader run between some pieces, as a real decoder would.
      if (i % 3 === 0) await new Promise((r) => setImmediate(r));
    }
    stream.end();
  })();
  const received: Buffer[] = [];
  const offsets: number[] = [];
  for await (const chunk of streamChunks(stream, chunkSize)) {
    offsets.push(chunk.offset);
    // The buffer is refilled after this step: keep a copy, as the writer copies what it writes.
    received.push(Buffer.from(chunk.data));
  }
  assert.deepEqual(offsets, [0, 1, 2, 3, 4, 5].map((i) => i * chunkSize));
  assert.deepEqual(received.map((c) => c.length), [chunkSize, chunkSize, chunkSize, chunkSize, chunkSize, 1234]);
  assert.ok(Buffer.concat(received).equals(input));
});

test('stream chunks asked early: a short chunk with what arrived, and nothing lost that arrives while it is out', async () => {
  const chunkSize = 16 * 1024;
  const input = randomBytes(3 * chunkSize);
  const stream = new PassThrough();
  const early = new EarlyChunk();
  const chunks = streamChunks(stream, chunkSize, early);
  stream.write(input.subarray(0, 3000));
  early.want();
  const first = await chunks.next();
  assert.equal(first.done, false);
  assert.deepEqual([first.value!.offset, first.value!.data.length], [0, 3000], 'what had arrived, before the chunk was full');
  const received = [Buffer.from(first.value!.data)];
  // Bytes arriving while the short chunk is still with the consumer wait for the next chunk.
  stream.write(input.subarray(3000, 9000));
  await new Promise((resolve) => setImmediate(resolve));
  stream.end(input.subarray(9000));
  const offsets = [first.value!.offset];
  for await (const chunk of { [Symbol.asyncIterator]: () => chunks }) {
    offsets.push(chunk.offset);
    received.push(Buffer.from(chunk.data));
  }
  assert.ok(Buffer.concat(received).equals(input), 'every byte once, in order');
  let expected = 0;
  offsets.forEach((offset, i) => {
    assert.equal(offset, expected, `chunk ${i} starts where the last ended`);
    expected += received[i]!.length;
  });
});

test('stream chunks: a stream error reaches the consumer', async () => {
  const stream = new PassThrough();
  stream.write(Buffer.alloc(100));
  setImmediate(() => stream.destroy(new Error('decoder broke')));
  await assert.rejects(async () => {
    for await (const chunk of streamChunks(stream, 4096)) void chunk;
  }, /decoder broke/);
});

test('fixed ranges: the parts of the known ranges inside each chunk', () => {
  const map = fixedRanges([{ offset: 0, length: 4096 }, { offset: 12288, length: 8192 }, { offset: 40960, length: 4096 }]);
  assert.deepEqual(map.mustWrite(0, 16384), [{ offset: 0, length: 4096 }, { offset: 12288, length: 4096 }]);
  assert.deepEqual(map.mustWrite(16384, 16384), [{ offset: 16384, length: 4096 }]);
  assert.deepEqual(map.mustWrite(32768, 16384), [{ offset: 40960, length: 4096 }]);
  assert.deepEqual(map.mustWrite(49152, 16384), []);
});

test('pieces of ranges are at most the given size, in order, covering each range exactly', () => {
  const pieces = [...piecesOf([{ offset: 0, length: 10 }, { offset: 100, length: 4 }], 4)];
  assert.deepEqual(pieces, [
    { offset: 0, length: 4 }, { offset: 4, length: 4 }, { offset: 8, length: 2 }, { offset: 100, length: 4 },
  ]);
});
