/**
 * The before-anything-is-written check of a flash's source image: is it Fedora IoT (an ext4
 * partition labelled `boot` with the first-boot stamp), and for Zezere mode does it ship
 * zezere-ignition. A raw image is read directly. A compressed one is decoded once, as a stream,
 * keeping only the partition table, each partition's superblock and the first 32 MiB of `boot`
 * (where mkfs puts its metadata and small files), then the decoder is stopped. What needs more
 * of the image (Zezere's root filesystem, where zezere-ignition may sit anywhere) is decoded
 * once to a sparse temporary file and read there: a rare mode, and the only sure answer before
 * writing.
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { getPartitions } from 'partitioninfo';
import { FiotError } from '../../../shared/errors';
import type { ProvisioningPlan } from '../../../shared/provisioning';
import { openDecodedStream, type SourceInfo } from '../flash/source';
import { openBlockIO } from './file-io';
import { inspectImageForProvisioning } from './inspect';
import { BlockIODisk } from './io-disk';
import { readExtLabel } from './partitions';

const TABLE_BYTES = 1 << 20;
const SUPERBLOCK_END = 2048;
const BOOT_WINDOW = 32 << 20;
const UNKNOWN_SIZE = 2 ** 40;

class OutsideWindow extends Error {}

function corrupt(source: SourceInfo, error: unknown): FiotError {
  if (error instanceof FiotError) return error;
  return new FiotError('SOURCE_CORRUPT', `${source.path} could not be decompressed: ${error instanceof Error ? error.message : String(error)}`);
}

interface ImageWindow {
  start: number;
  data: Buffer;
  done: boolean;
  /** Runs once the window is complete; may open further windows. */
  onDone?: () => Promise<void>;
}

/** Pieces of the decoded image kept in memory, filled from one pass over the decoded stream. */
class ImageWindows {
  readonly list: ImageWindow[] = [];

  constructor(readonly size: number) {}

  open(start: number, length: number, onDone?: () => Promise<void>, prefix?: Buffer): void {
    const data = Buffer.alloc(Math.max(0, Math.min(length, this.size - start)));
    prefix?.copy(data);
    this.list.push({ start, data, done: false, ...(onDone ? { onDone } : {}) });
  }

  /** Copies the chunk at `chunkStart` into every open window; windows opened meanwhile get it too. */
  async take(chunk: Buffer, chunkStart: number): Promise<void> {
    const chunkEnd = chunkStart + chunk.length;
    for (let i = 0; i < this.list.length; i++) {
      const window = this.list[i]!;
      if (window.done) continue;
      const end = window.start + window.data.length;
      const from = Math.max(window.start, chunkStart);
      const to = Math.min(end, chunkEnd);
      if (from < to) chunk.copy(window.data, from - window.start, from - chunkStart, to - chunkStart);
      if (chunkEnd >= end) {
        window.done = true;
        await window.onDone?.();
      }
    }
  }

  get complete(): boolean {
    return this.list.every((w) => w.done);
  }

  read = async (offset: number, length: number): Promise<Buffer> => {
    const window = this.list.find((w) => w.done && offset >= w.start && offset + length <= w.start + w.data.length);
    if (!window) throw new OutsideWindow(`byte ${offset} was not kept from the compressed image`);
    return window.data.subarray(offset - window.start, offset - window.start + length);
  };
}

/** Keeps the partition table, each partition's superblock, and the start of `boot`; stops decoding then. */
async function captureWindows(source: SourceInfo, size: number): Promise<ImageWindows> {
  const windows = new ImageWindows(size);
  const watchPartition = (start: number) =>
    windows.open(start, SUPERBLOCK_END, async () => {
      if ((await readExtLabel(windows.read, start)) !== 'boot') return;
      windows.open(start, BOOT_WINDOW, undefined, await windows.read(start, SUPERBLOCK_END));
    });
  windows.open(0, TABLE_BYTES, async () => {
    const table = await getPartitions(new BlockIODisk({ read: windows.read, size }), { includeExtended: false }).catch(() => null);
    for (const partition of table?.partitions ?? []) if (partition.offset > 0 && partition.offset < size) watchPartition(partition.offset);
  });
  const decoded = await openDecodedStream(source);
  // A damaged archive is the writer's to report (SOURCE_CORRUPT); here it only ends the windows early.
  decoded.finished.catch(() => undefined);
  let position = 0;
  try {
    for await (const chunk of decoded.stream as AsyncIterable<Buffer>) {
      await windows.take(chunk, position);
      position += chunk.length;
      if (windows.complete) break;
    }
  } catch (error) {
    throw corrupt(source, error);
  } finally {
    decoded.close();
  }
  return windows;
}

/** The decoded image in a sparse temporary file (all-zero blocks are skipped, not written). */
async function withDecodedFile<T>(source: SourceInfo, fn: (file: string, size: number) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fiot-zezere-check-'));
  try {
    const file = path.join(dir, 'image.raw');
    const handle = await open(file, 'w');
    const decoded = await openDecodedStream(source);
    let position = 0;
    try {
      for await (const chunk of decoded.stream as AsyncIterable<Buffer>) {
        if (chunk.some((byte) => byte !== 0)) await handle.write(chunk, 0, chunk.length, position);
        position += chunk.length;
      }
      await decoded.finished;
      await handle.truncate(position);
    } catch (error) {
      throw corrupt(source, error);
    } finally {
      decoded.close();
      await handle.close();
    }
    return await fn(file, position);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function checkRaw(source: Pick<SourceInfo, 'path' | 'size' | 'fileSize'>, mode: ProvisioningPlan['mode']): Promise<void> {
  const io = await openBlockIO(source.path, source.size ?? source.fileSize, { readOnly: true });
  try {
    await inspectImageForProvisioning(io.read, io.size, mode);
  } finally {
    await io.close();
  }
}

export async function checkSourceForProvisioning(source: SourceInfo, mode: ProvisioningPlan['mode']): Promise<void> {
  if (source.format === 'raw') return checkRaw(source, mode);
  if (mode === 'zezere') return withDecodedFile(source, (file, size) => checkRaw({ path: file, size, fileSize: size }, mode));
  // gzip and bzip2 do not record the image size: any bound past the windows serves.
  const size = source.size ?? Math.max(source.minSize, UNKNOWN_SIZE);
  const windows = await captureWindows(source, size);
  try {
    await inspectImageForProvisioning(windows.read, size, mode);
  } catch (error) {
    // A stamp or directory beyond the kept window: leave that check to the card itself.
    const outside = error instanceof OutsideWindow || (error instanceof FiotError && /cannot be opened/.test(error.message));
    if (!outside) throw error;
  }
}
