/**
 * What a person would check on a flashed card, as assertions: the bytes of every range the image's
 * filesystems use, the partition table, clean filesystem checks, and (when asked) every file.
 * The card may be a loop device or an image file; either is read as a plain file.
 */
import assert from 'node:assert/strict';
import { createHash, randomFillSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { closeSync, createReadStream, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { mapImage, type ByteRange } from '../../electron/core/image-map';
import type { Fixture } from '../fixtures/fixture';
import { e2fsck, ext4Tree, fsckVfat, treeDifferences, vfatTree } from './fs-tree';

const MiB = 1024 * 1024;

export function readRange(file: string, offset: number, length: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const bytes = Buffer.alloc(length);
    return bytes.subarray(0, readSync(fd, bytes, 0, length, offset));
  } finally {
    closeSync(fd);
  }
}

/** The SHA-256 of a file's or device's first `length` bytes, read as a stream. */
export function sha256OfRange(file: string, length: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file, { start: 0, end: length - 1 })
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/** Changes one byte of a file in place (XOR with `mask`). */
export function flipByte(file: string, offset: number, mask = 0xff): void {
  const fd = openSync(file, 'r+');
  try {
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, offset);
    byte[0] = byte[0]! ^ mask;
    writeSync(fd, byte, 0, 1, offset);
  } finally {
    closeSync(fd);
  }
}

/** Fills a card (its backing file or the file itself) with random "old data", as a used card. */
export function fillWithOldData(file: string, size: number): void {
  const fd = openSync(file, 'r+');
  const garbage = randomFillSync(Buffer.alloc(MiB));
  // One random MiB, shifted per MiB: different everywhere, cheap on a shared CPU.
  for (let at = 0; at < size; at += MiB) {
    garbage.writeUInt32LE(at / MiB, 0);
    writeSync(fd, garbage, 0, Math.min(MiB, size - at), at);
  }
  fsyncSync(fd);
  closeSync(fd);
}

export async function imageDataRanges(image: string, size: number): Promise<ByteRange[]> {
  return (await mapImage(async (offset, length) => readRange(image, offset, length), size)).dataRanges;
}

/** The first range (if any) where the card's bytes differ from the image's. */
export function firstDifference(image: string, card: string, ranges: ByteRange[]): string | null {
  const piece = 4 * MiB;
  for (const range of ranges) {
    for (let at = range.offset; at < range.offset + range.length; at += piece) {
      const n = Math.min(piece, range.offset + range.length - at);
      if (!readRange(image, at, n).equals(readRange(card, at, n))) return `bytes ${at}..${at + n} differ`;
    }
  }
  return null;
}

function partitionTable(file: string): unknown {
  const table = JSON.parse(execFileSync('sfdisk', ['-J', file], { encoding: 'utf8' })).partitiontable;
  // The device name differs between an image and a card; the layout must not.
  return { ...table, device: undefined, partitions: table.partitions.map((p: { node?: string }) => ({ ...p, node: undefined })) };
}

/** A cached fixture never changes: its file trees are read once per process. */
const fixtureTrees = new Map<string, Map<string, string>>();
function fixtureTree(image: string, offset: number, read: (image: string, offset: number) => Map<string, string>): Map<string, string> {
  const key = `${image}@${offset}`;
  let tree = fixtureTrees.get(key);
  if (!tree) fixtureTrees.set(key, (tree = read(image, offset)));
  return tree;
}

/** The parts of `ranges` outside the partition labelled `label` (a provisioned `boot` differs from the image by design). */
function outsidePartition(ranges: ByteRange[], fixture: Fixture, label: string | undefined): ByteRange[] {
  const skip = fixture.partitions.find((p) => p.label === label);
  if (!skip) return ranges;
  const end = skip.offset + skip.size;
  return ranges.flatMap((r) => [
    { offset: r.offset, length: Math.min(r.offset + r.length, skip.offset) - r.offset },
    { offset: Math.max(r.offset, end), length: r.offset + r.length - Math.max(r.offset, end) },
  ]).filter((r) => r.length > 0);
}

/**
 * Asserts the card holds the image: mapped bytes (but those of `provisioned`, a partition changed
 * after writing), table, fsck-clean filesystems, and optionally every file.
 */
export async function assertCardHoldsImage(fixture: Fixture, card: string, options: { files?: boolean; provisioned?: string } = {}): Promise<void> {
  const ranges = outsidePartition(await imageDataRanges(fixture.path, fixture.size), fixture, options.provisioned);
  assert.equal(firstDifference(fixture.path, card, ranges), null, 'every mapped range of the card equals the image');
  assert.ok(readRange(fixture.path, 0, MiB).equals(readRange(card, 0, MiB)), 'the first MiB (partition table) is identical');
  assert.deepEqual(partitionTable(card), partitionTable(fixture.path), 'sfdisk reads the same partition table');
  for (const partition of fixture.partitions) {
    if (partition.fs === 'ext4') {
      const check = e2fsck(card, partition.offset);
      assert.ok(check.clean, `e2fsck -fn on ${partition.label}: ${check.output}`);
      if (options.files && partition.label !== options.provisioned) assert.deepEqual(treeDifferences(fixtureTree(fixture.path, partition.offset, ext4Tree), ext4Tree(card, partition.offset)), [], `files of ${partition.label}`);
    } else if (partition.fs === 'vfat') {
      const check = fsckVfat(card, partition.offset, partition.size);
      assert.ok(check.clean, `fsck.vfat -n on ${partition.label}: ${check.output}`);
      if (options.files) assert.deepEqual(treeDifferences(fixtureTree(fixture.path, partition.offset, vfatTree), vfatTree(card, partition.offset)), [], `files of ${partition.label}`);
    }
  }
}

/** Fills a card (its backing file, or the device) with `marker` repeated end to end: a used card whose old contents are recognisable anywhere. */
export function fillWithMarker(file: string, size: number, marker: string): void {
  const piece = Buffer.alloc(MiB);
  piece.fill(marker);
  const fd = openSync(file, 'r+');
  try {
    for (let at = 0; at < size; at += MiB) writeSync(fd, piece, 0, Math.min(MiB, size - at), at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The 4 KiB blocks of the card that hold `marker` (at least its start), by offset: every byte of
 * the card read, in 4 MiB pieces overlapping by the marker's length.
 */
export function blocksWithMarker(file: string, size: number, marker: string): number[] {
  const needle = Buffer.from(marker);
  const block = 4096;
  const blocks = new Set<number>();
  const piece = 4 * MiB;
  for (let at = 0; at < size; at += piece) {
    const bytes = readRange(file, at, Math.min(piece + needle.length - 1, size - at));
    for (let i = bytes.indexOf(needle); i >= 0 && i < piece; ) {
      const start = Math.floor((at + i) / block) * block;
      blocks.add(start);
      // One hit makes the block: look on from the next one.
      i = bytes.indexOf(needle, start + block - at);
    }
  }
  return [...blocks].sort((a, b) => a - b);
}
