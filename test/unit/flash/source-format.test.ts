/**
 * Source inspection without a card: format by magic bytes (not the name), the image size each
 * format records (xz index, zip directory, zstd frame header), and the refusals a person sees for
 * missing, empty, unknown, mislabelled or cut-short files.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { detectFormat, inspectSource } from '../../../electron/core/image-source';
import { zstdFrameContentSize } from '../../../electron/core/image-source/zstd-frame';
import { FiotError } from '../../../shared/errors';
import { commandsSkipReason } from '../../helpers/system';

const skip = commandsSkipReason('xz', 'gzip', 'bzip2', 'zstd', 'zip') ?? false;
let dir = '';
let image = '';
/** A small "disk image": an MBR signature and pseudo-random, partly compressible content. */
const imageBytes = Buffer.alloc(3 * 1024 * 1024 + 512);

function compress(tool: string, args: string[], out: string): string {
  writeFileSync(out, execFileSync(tool, [...args, image], { maxBuffer: 64 << 20 }));
  return out;
}

async function refusal(file: string): Promise<FiotError> {
  try {
    await inspectSource(file);
  } catch (error) {
    assert.ok(error instanceof FiotError, `a FiotError, got ${String(error)}`);
    return error;
  }
  assert.fail(`${file} was accepted`);
}

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fiot-source-'));
  for (let i = 0; i < imageBytes.length; i += 4) imageBytes.writeUInt32LE((i * 2654435761) >>> 0, i);
  imageBytes.fill(0, 1 << 20, 2 << 20);
  imageBytes[510] = 0x55;
  imageBytes[511] = 0xaa;
  image = path.join(dir, 'disk.img');
  writeFileSync(image, imageBytes);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('detectFormat', () => {
  const head = (bytes: number[]) => Buffer.concat([Buffer.from(bytes), Buffer.alloc(600)]);
  test('magic bytes decide, whatever the name says', () => {
    assert.equal(detectFormat(head([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), 'image.img'), 'xz');
    assert.equal(detectFormat(head([0x1f, 0x8b, 0x08]), 'image'), 'gzip');
    assert.equal(detectFormat(head([0x42, 0x5a, 0x68, 0x39]), 'x.raw'), 'bzip2');
    assert.equal(detectFormat(head([0x28, 0xb5, 0x2f, 0xfd]), 'x'), 'zstd');
    assert.equal(detectFormat(head([0x50, 0x4b, 0x03, 0x04]), 'x.img'), 'zip');
  });
  test('raw images: by their partition table, or by a raw extension', () => {
    const mbr = Buffer.alloc(1024);
    mbr[510] = 0x55;
    mbr[511] = 0xaa;
    assert.equal(detectFormat(mbr, 'card'), 'raw');
    assert.equal(detectFormat(Buffer.alloc(1024), 'Fedora-IoT.raw'), 'raw');
    assert.equal(detectFormat(Buffer.alloc(1024), 'disk.iso'), 'raw');
  });
  test('a file named .xz that is not xz is damaged; a file with no mark at all is unknown', () => {
    assert.throws(() => detectFormat(Buffer.alloc(1024), 'image.raw.xz'), (e: FiotError) => e.code === 'SOURCE_CORRUPT');
    assert.throws(() => detectFormat(Buffer.from('hello world, a text file'), 'notes.txt'), (e: FiotError) => e.code === 'SOURCE_UNKNOWN_FORMAT');
  });
});

describe('inspectSource', { skip }, () => {
  test('raw: size is the file size', async () => {
    const info = await inspectSource(image);
    assert.deepEqual([info.format, info.size, info.minSize, info.fileSize], ['raw', imageBytes.length, imageBytes.length, imageBytes.length]);
  });

  test('xz: the decompressed size from the index, for single-block, multi-block and concatenated streams', async () => {
    const single = compress('xz', ['-T1', '-0', '-c'], path.join(dir, 'single.img.xz'));
    assert.equal((await inspectSource(single)).size, imageBytes.length);
    const blocks = compress('xz', ['-T1', '-0', '--block-size=1MiB', '-c'], path.join(dir, 'blocks.img.xz'));
    assert.equal((await inspectSource(blocks)).size, imageBytes.length);
    const twice = path.join(dir, 'twice.img.xz');
    const one = execFileSync('xz', ['-T1', '-0', '-c', image], { maxBuffer: 64 << 20 });
    // Two streams with stream padding between them, as xz allows.
    writeFileSync(twice, Buffer.concat([one, Buffer.alloc(8), one]));
    assert.equal((await inspectSource(twice)).size, 2 * imageBytes.length);
  });

  test('xz cut short or with a damaged index is SOURCE_CORRUPT before any decoding', async () => {
    const cut = compress('xz', ['-T1', '-0', '-c'], path.join(dir, 'cut.img.xz'));
    truncateSync(cut, statSync(cut).size - 100);
    assert.equal((await refusal(cut)).code, 'SOURCE_CORRUPT');
    const damaged = compress('xz', ['-T1', '-0', '-c'], path.join(dir, 'damaged.img.xz'));
    const bytes = readFileSync(damaged);
    // The last byte before the 12-byte stream footer: the index's CRC-32.
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 13) ^ 0xff, bytes.length - 13);
    writeFileSync(damaged, bytes);
    assert.equal((await refusal(damaged)).code, 'SOURCE_CORRUPT');
  });

  test('gzip records a floor (its trailer) and bzip2 nothing; zstd records a floor; zip names its entry and size', async () => {
    const gz = await inspectSource(compress('gzip', ['-1', '-c'], path.join(dir, 'disk.img.gz')));
    assert.deepEqual([gz.format, gz.size, gz.minSize], ['gzip', null, imageBytes.length]);
    const bz = await inspectSource(compress('bzip2', ['-1', '-c'], path.join(dir, 'disk.img.bz2')));
    assert.deepEqual([bz.format, bz.size], ['bzip2', null]);
    const zst = await inspectSource(compress('zstd', ['-q', '-1', '-c'], path.join(dir, 'disk.img.zst')));
    assert.deepEqual([zst.format, zst.size, zst.minSize], ['zstd', null, imageBytes.length]);
    const zipFile = path.join(dir, 'disk.zip');
    writeFileSync(path.join(dir, 'README.txt'), 'read me');
    execFileSync('zip', ['-q', '-j', zipFile, path.join(dir, 'README.txt'), image]);
    const zip = await inspectSource(zipFile);
    assert.deepEqual([zip.format, zip.size, zip.zipEntry], ['zip', imageBytes.length, 'disk.img']);
  });

  test('missing, a folder, empty, unknown: each refused with its own code', async () => {
    assert.equal((await refusal(path.join(dir, 'nope.raw.xz'))).code, 'SOURCE_NOT_FOUND');
    const folder = path.join(dir, 'folder');
    mkdirSync(folder);
    assert.equal((await refusal(folder)).code, 'SOURCE_UNREADABLE');
    const empty = path.join(dir, 'empty.img');
    writeFileSync(empty, '');
    assert.equal((await refusal(empty)).code, 'SOURCE_UNKNOWN_FORMAT');
    const text = path.join(dir, 'notes.txt');
    writeFileSync(text, 'not an image');
    assert.equal((await refusal(text)).code, 'SOURCE_UNKNOWN_FORMAT');
  });
});

describe('zstdFrameContentSize', () => {
  test('reads the 1, 2, 4 and 8 byte forms, and says null when absent', () => {
    const frame = (descriptor: number, ...rest: number[]) => Buffer.from([0x28, 0xb5, 0x2f, 0xfd, descriptor, ...rest]);
    assert.equal(zstdFrameContentSize(frame(0x20, 200)), 200);
    // Without the single-segment flag a window byte comes first.
    assert.equal(zstdFrameContentSize(frame(0x40, 0x58, 0x00, 0x10)), 0x1000 + 256);
    assert.equal(zstdFrameContentSize(frame(0x80, 0x00, 0x00, 0x00, 0x00, 0x01)), 0x01000000);
    assert.equal(zstdFrameContentSize(frame(0xe0, 0, 0, 0, 0, 1, 0, 0, 0)), 2 ** 32);
    assert.equal(zstdFrameContentSize(frame(0x00, 0x58)), null);
  });
});
