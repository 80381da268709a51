/**
 * The .xz block index and the decoding of chosen blocks, against the xz tool itself: the block list
 * equals `xz --robot --list -vv`, chosen blocks decode to exactly the image's bytes (also across two
 * concatenated streams with different checks), and random reads equal the raw bytes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inspectSource } from '../../../electron/core/image-source';
import { decodeBlocks } from '../../../electron/core/image-source/xz-blocks';
import { readXzBlocks } from '../../../electron/core/image-source/xz-index';
import { openXzRandomAccess } from '../../../electron/core/image-source/xz-random-access';
import { commandsSkipReason } from '../../helpers/system';

const KiB = 1024;
const skip = commandsSkipReason('xz') ?? false;
let dir = '';
let raw: Buffer;
let xzFile = '';

/** Half random, half text: blocks of different compressed sizes. */
function sample(bytes: number): Buffer {
  const text = Buffer.from('ostree deployment kernel module firmware '.repeat(Math.ceil(bytes / 2 / 41))).subarray(0, bytes / 2);
  return Buffer.concat([randomBytes(bytes / 2), text]);
}

function compress(data: Buffer, check: string): Buffer {
  return execFileSync('xz', ['-0', '-T2', '--block-size=64KiB', `--check=${check}`, '-c'], { input: data, maxBuffer: 64 << 20 });
}

const readAt = (bytes: Buffer) => async (offset: number, length: number) => bytes.subarray(offset, offset + length);

before(() => {
  if (skip) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-xz-blocks-unit-'));
  const first = sample(1024 * KiB);
  const second = sample(512 * KiB);
  raw = Buffer.concat([first, second]);
  xzFile = path.join(dir, 'image.raw.xz');
  writeFileSync(xzFile, Buffer.concat([compress(first, 'crc64'), compress(second, 'sha256')]));
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

async function drain(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

describe('xz blocks', { skip }, () => {
  test('the block list equals what xz --list -vv reports', async () => {
    const file = readFileSync(xzFile);
    const blocks = await readXzBlocks(readAt(file), file.length, xzFile);
    const listed = execFileSync('xz', ['--robot', '--list', '-vv', xzFile], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.startsWith('block\t'))
      .map((line) => line.split('\t'));
    // Columns: "block", stream, block in stream, block in file, compressed offset, uncompressed offset, total size, uncompressed size.
    assert.deepEqual(
      blocks.map((b) => [b.fileOffset, b.imageOffset, b.imageSize]),
      listed.map((cols) => [Number(cols[4]), Number(cols[5]), Number(cols[7])]),
    );
    assert.equal(blocks.length, 24);
  });

  test('chosen blocks from both streams decode to exactly their bytes of the image', async () => {
    const file = readFileSync(xzFile);
    const blocks = await readXzBlocks(readAt(file), file.length, xzFile);
    const chosen = [blocks[0]!, blocks[3]!, blocks[4]!, blocks[15]!, blocks[16]!, blocks[23]!];
    const decoded = decodeBlocks(xzFile, chosen);
    const bytes = await drain(decoded.stream);
    await decoded.finished;
    assert.ok(bytes.equals(Buffer.concat(chosen.map((b) => raw.subarray(b.imageOffset, b.imageOffset + b.imageSize)))));
    // Adjacent blocks are one run; the stream boundary (block 16 follows 15) does not split a run.
    assert.deepEqual(decoded.runs.map((r) => r.offset / (64 * KiB)), [0, 3, 15, 23]);
  });

  test('random reads across block and stream boundaries equal the image', async () => {
    const access = await openXzRandomAccess(await inspectSource(xzFile));
    assert.ok(access, 'a multi-block file on the 4 KiB grid is read by random access');
    for (const [offset, length] of [[0, 512], [64 * KiB - 100, 300], [1024 * KiB - 10, 20], [1500 * KiB, 100 * KiB]] as const) {
      assert.ok((await access.read(offset, length)).equals(raw.subarray(offset, offset + length)), `bytes ${offset}+${length}`);
    }
  });
});
