/**
 * A multi-block `.xz` decoded block by block while it downloads, against the xz tool's own files:
 * with the index bytes the core read first, every block's bytes come out at their place as the
 * `.part` file grows; a downloaded file that is not the one the index was read from fails with
 * SOURCE_CORRUPT; index bytes that do not check out leave the download to the stream decoder.
 * (Which blocks are skipped is the allocation map's call: flash-while-downloading.test.ts checks
 * it on a real image.)
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DownloadFeed, openDownloadImage, pendingDownloadInfo, type ImageSource } from '../../../electron/core/image-source';
import type { FiotError } from '../../../shared/errors';
import type { XzIndexBytes } from '../../../shared/writer-protocol';
import { commandsSkipReason } from '../../helpers/system';

const KiB = 1024;
const skip = commandsSkipReason('xz') ?? false;
const never = new AbortController().signal;
let dir = '';
let raw: Buffer;
let xz: Buffer;

before(() => {
  if (skip) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-download-blocks-'));
  // Random and repetitive halves: blocks of very different compressed sizes.
  raw = Buffer.concat([randomBytes(512 * KiB), Buffer.alloc(512 * KiB, 'firmware ')]);
  xz = execFileSync('xz', ['-0', '-T2', '--block-size=64KiB', '-c'], { input: raw, maxBuffer: 64 << 20 });
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

/** The head and the end of `file`, as the core reads them by Range requests. */
function indexOf(file: Buffer): XzIndexBytes {
  const tail = Math.max(0, file.length - 64 * KiB);
  return { fileSize: file.length, pieces: [{ offset: 0, bytes: file.subarray(0, 4 * KiB).toString('base64') }, { offset: tail, bytes: file.subarray(tail).toString('base64') }] };
}

/** A `.part` file that receives `body` in steps, each announced to the feed as the core does. */
function growingDownload(name: string, body: Buffer): { partPath: string; feed: DownloadFeed; arrive(): Promise<void> } {
  const partPath = path.join(dir, name);
  writeFileSync(partPath, '');
  const feed = new DownloadFeed();
  return {
    partPath,
    feed,
    async arrive() {
      for (let at = 0; at < body.length; at += 20 * KiB) {
        appendFileSync(partPath, body.subarray(at, at + 20 * KiB));
        feed.update({ type: 'download', bytes: Math.min(body.length, at + 20 * KiB), totalBytes: body.length });
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}

/** The image as the chunks place it, every byte at its offset, each chunk shown to the map first as the writer does. */
async function placed(reader: ImageSource, size: number): Promise<Buffer> {
  const image = Buffer.alloc(size);
  for await (const chunk of reader.chunks) {
    reader.map.observe(chunk.data, chunk.offset);
    chunk.data.copy(image, chunk.offset);
  }
  await reader.end(size);
  return image;
}

describe('an .xz decoded block by block while it downloads', { skip }, () => {
  test('with its index, every block comes out at its place as the file arrives', async () => {
    const download = growingDownload('whole.raw.xz.part', xz);
    const source = pendingDownloadInfo(download.partPath, { format: 'xz', imageSize: raw.length });
    const reader = await openDownloadImage(source, download.feed, never, indexOf(xz));
    try {
      const [image] = await Promise.all([placed(reader, raw.length), download.arrive()]);
      assert.ok(image.equals(raw), 'the decoded blocks are the image');
      assert.match(reader.decoder, /blocks that may hold data, while downloading/);
      // No partition table in this image: nothing is known free, so every block is decoded.
      assert.deepEqual(reader.xzBlocks, { total: raw.length / (64 * KiB), forMap: 0, decoded: raw.length / (64 * KiB) });
    } finally {
      reader.close();
    }
  });

  test('a downloaded file that is not the one its index was read from fails with SOURCE_CORRUPT', async () => {
    // The same blocks, then stream padding: valid xz, but longer than the index the core read.
    const longer = Buffer.concat([xz, Buffer.alloc(4)]);
    const download = growingDownload('longer.raw.xz.part', longer);
    const source = pendingDownloadInfo(download.partPath, { format: 'xz', imageSize: raw.length });
    const reader = await openDownloadImage(source, download.feed, never, indexOf(xz));
    try {
      await Promise.all([
        assert.rejects(placed(reader, raw.length), (error: FiotError) => error.code === 'SOURCE_CORRUPT' && /not the file whose index was read/.test(error.message)),
        download.arrive(),
      ]);
    } finally {
      reader.close();
    }
  });

  test('index bytes that fail their checksum leave the download to the stream decoder', async () => {
    const index = indexOf(xz);
    const tail = Buffer.from(index.pieces[1]!.bytes, 'base64');
    tail[tail.length - 20]! ^= 0xff;
    index.pieces[1]!.bytes = tail.toString('base64');
    const download = growingDownload('damaged-index.raw.xz.part', xz);
    const source = pendingDownloadInfo(download.partPath, { format: 'xz', imageSize: raw.length });
    const reader = await openDownloadImage(source, download.feed, never, index);
    try {
      const [image] = await Promise.all([placed(reader, raw.length), download.arrive()]);
      assert.ok(image.equals(raw));
      assert.equal(reader.xzBlocks, undefined, 'decoded as one stream');
      assert.doesNotMatch(reader.decoder, /blocks/);
    } finally {
      reader.close();
    }
  });
});
