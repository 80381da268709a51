/**
 * The before-anything-is-written check of a flash's source image: is it Fedora IoT (an ext4
 * partition labelled `boot` with the first-boot stamp), and for Zezere mode does it ship
 * zezere-ignition. A raw image is read directly. A compressed one is decoded as a stream, keeping
 * only pieces of the image in memory: the partition table, each partition's superblock and the
 * first 32 MiB of `boot`. mkfs may put the root directory, an inode table or the stamp anywhere in
 * `boot` (a 2 GiB ext4 puts its root directory past 32 MiB), so every byte the check asked for and
 * was not kept is noted, and the stream is decoded again keeping those too, until the check reads
 * only kept bytes: its answer then never depends on where a file lies. What needs more of the image
 * (Zezere's root filesystem, where zezere-ignition may sit anywhere), or a check that keeps asking
 * for more, is decoded once to a sparse temporary file and read there: the only sure answer.
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { getPartitions } from 'partitioninfo';
import { FiotError } from '../../../shared/errors';
import type { ProvisioningPlan } from '../../../shared/provisioning';
import { openDecodedStream, type SourceInfo } from '../image-source';
import { mergeRanges, type ByteRange } from '../image-map';
import { openBlockIO } from './file-io';
import { inspectImageForProvisioning } from './inspect';
import { BlockIODisk } from './io-disk';
import { readExtLabel } from './partitions';

const TABLE_BYTES = 1 << 20;
const SUPERBLOCK_END = 2048;
const BOOT_WINDOW = 32 << 20;
export const UNKNOWN_SIZE = 2 ** 40;
/** Missed bytes are kept in whole MiB, so one more pass usually brings a directory and its neighbours. */
const MISS_ALIGN = 1 << 20;
/** Each pass follows one more link (directory, inode, extent block); a lookup needs few. */
export const MAX_PASSES = 6;
/** A damaged or hostile `boot` could ask for a lot: past this many kept bytes, decode to a file. */
export const MAX_KEPT = 256 << 20;

function overlaps(a: ByteRange, b: ByteRange): boolean {
  return a.offset < b.offset + b.length && b.offset < a.offset + a.length;
}

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
  /** A partition's superblock, wanted only while `boot` is still to be found. */
  untilBoot?: boolean;
}

/** Pieces of the decoded image kept in memory, filled from one pass over the decoded stream. */
export class ImageWindows {
  readonly list: ImageWindow[] = [];
  /** Reads that asked for bytes this pass did not keep, widened to whole MiB. */
  readonly misses: ByteRange[] = [];
  /** Where `boot` lies, once its superblock has been read. */
  boot: ByteRange | null = null;

  constructor(readonly size: number) {}

  open(start: number, length: number, more: Pick<ImageWindow, 'onDone' | 'untilBoot'> & { prefix?: Buffer } = {}): void {
    const { prefix, ...rest } = more;
    const data = Buffer.alloc(Math.max(0, Math.min(length, this.size - start)));
    prefix?.copy(data);
    this.list.push({ start, data, done: false, ...rest });
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
    // The root filesystem's superblock may lie gigabytes further: once `boot` is found, it can wait.
    return this.list.every((w) => w.done || (w.untilBoot && this.boot));
  }

  read = async (offset: number, length: number): Promise<Buffer> => {
    const window = this.list.find((w) => w.done && offset >= w.start && offset + length <= w.start + w.data.length);
    if (!window) {
      const start = Math.floor(offset / MISS_ALIGN) * MISS_ALIGN;
      this.misses.push({ offset: start, length: Math.ceil((offset + length) / MISS_ALIGN) * MISS_ALIGN - start });
      throw new Error(`byte ${offset} was not kept from the compressed image`);
    }
    return window.data.subarray(offset - window.start, offset - window.start + length);
  };
}

/**
 * Keeps the partition table, each partition's superblock, the start of `boot` and the spans an
 * earlier pass missed; stops decoding once all are complete.
 */
async function captureWindows(source: SourceInfo, size: number, wanted: ByteRange[]): Promise<ImageWindows> {
  const windows = new ImageWindows(size);
  for (const span of wanted) windows.open(span.offset, span.length);
  const watchPartition = (start: number, length: number) =>
    windows.open(start, SUPERBLOCK_END, {
      untilBoot: true,
      onDone: async () => {
        if ((await readExtLabel(windows.read, start)) !== 'boot') return;
        windows.boot = { offset: start, length };
        windows.open(start, BOOT_WINDOW, { prefix: await windows.read(start, SUPERBLOCK_END) });
      },
    });
  windows.open(0, TABLE_BYTES, {
    onDone: async () => {
      const table = await getPartitions(new BlockIODisk({ read: windows.read, size }), { includeExtended: false }).catch(() => null);
      for (const partition of table?.partitions ?? []) if (partition.offset > 0 && partition.offset < size) watchPartition(partition.offset, partition.size);
    },
  });
  await fillWindows(source, windows);
  return windows;
}

/** Decodes the source from its start until every open window is complete. */
export async function fillWindows(source: SourceInfo, windows: ImageWindows): Promise<void> {
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

async function checkRaw(source: Pick<SourceInfo, 'path' | 'size' | 'fileSize'>, mode: ProvisioningPlan['mode'], kernelArguments: readonly string[], configBytes: number): Promise<void> {
  const io = await openBlockIO(source.path, source.size ?? source.fileSize, { readOnly: true });
  try {
    await inspectImageForProvisioning(io.read, io.size, mode, kernelArguments, configBytes);
  } finally {
    await io.close();
  }
}

/** `configBytes`: the largest Ignition config a card of the run gets (config mode), which `boot` must have room for. */
export async function checkSourceForProvisioning(source: SourceInfo, mode: ProvisioningPlan['mode'], kernelArguments: readonly string[] = [], configBytes = 0): Promise<void> {
  if (source.format === 'raw') return checkRaw(source, mode, kernelArguments, configBytes);
  const checkDecodedFile = () => withDecodedFile(source, (file, size) => checkRaw({ path: file, size, fileSize: size }, mode, kernelArguments, configBytes));
  if (mode === 'zezere') return checkDecodedFile();
  // gzip and bzip2 do not record the image size: any bound past the windows serves.
  const size = source.size ?? Math.max(source.minSize, UNKNOWN_SIZE);
  let wanted: ByteRange[] = [];
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const windows = await captureWindows(source, size, wanted);
    try {
      await inspectImageForProvisioning(windows.read, size, mode, kernelArguments, configBytes);
      return;
    } catch (error) {
      // A refusal built from every byte of `boot` it asked for is the image's answer (another
      // partition's superblock, read while looking for `boot`, does not change it): else look further.
      const misses = windows.misses.filter((span) => windows.boot === null || overlaps(span, windows.boot));
      if (misses.length === 0) throw error;
      wanted = mergeRanges([...wanted, ...misses]);
    }
    if (wanted.reduce((sum, span) => sum + span.length, 0) > MAX_KEPT) break;
  }
  return checkDecodedFile();
}
