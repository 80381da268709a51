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
import { FiotError } from '../../../shared/errors';
import type { ProvisioningPlan } from '../../../shared/provisioning';
import { openDecodedStream, type SourceInfo } from '../image-source';
import { mergeRanges, type ByteRange } from '../image-map';
import { openBlockIO } from './file-io';
import { inspectImageForProvisioning } from './inspect';
import { ImageWindows, watchForChecks } from './image-windows';

export const UNKNOWN_SIZE = 2 ** 40;
/** Each pass follows one more link (directory, inode, extent block); a lookup needs few. */
export const MAX_PASSES = 6;
/** A damaged or hostile `boot` could ask for a lot: past this many kept bytes, decode to a file. */
export const MAX_KEPT = 256 << 20;

function corrupt(source: SourceInfo, error: unknown): FiotError {
  if (error instanceof FiotError) return error;
  return new FiotError('SOURCE_CORRUPT', `${source.path} could not be decompressed: ${error instanceof Error ? error.message : String(error)}`);
}

/**
 * Keeps the partition table, each partition's superblock, the start of `boot` and the spans an
 * earlier pass missed; stops decoding once all are complete.
 */
async function captureWindows(source: SourceInfo, size: number, wanted: ByteRange[]): Promise<ImageWindows> {
  const windows = new ImageWindows(size);
  for (const span of wanted) windows.open(span.offset, span.length);
  watchForChecks(windows);
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
      const misses = windows.bootMisses();
      if (misses.length === 0) throw error;
      wanted = mergeRanges([...wanted, ...misses]);
    }
    if (wanted.reduce((sum, span) => sum + span.length, 0) > MAX_KEPT) break;
  }
  return checkDecodedFile();
}
