/**
 * The architecture of a flash's source file, read before anything is written. A raw file is read
 * where it lies, a multi-block .xz (osbuild's format) through its index, decoding only the blocks
 * the ESP's metadata sits in; any other compressed file is decoded from its start, keeping only
 * the bytes the reading asked for, pass after pass (as the provisioning check does) until the
 * answer rests on kept bytes alone. The ESP lies near the start, so each pass stops early.
 */
import type { SourceInfo } from '../image-source';
import { openXzRandomAccess } from '../image-source/xz-random-access';
import { mergeRanges, TABLE_HEAD_BYTES, type ByteRange } from '../image-map';
import { openBlockIO } from '../provision/file-io';
import { ImageWindows } from '../provision/image-windows';
import { fillWindows, MAX_KEPT, MAX_PASSES, UNKNOWN_SIZE } from '../provision/source-check';
import { readImageArch, type ImageArch } from './read-arch';

async function fromDecodedPasses(source: SourceInfo): Promise<ImageArch | null> {
  const size = source.size ?? Math.max(source.minSize, UNKNOWN_SIZE);
  let wanted: ByteRange[] = [{ offset: 0, length: TABLE_HEAD_BYTES }];
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const windows = new ImageWindows(size);
    for (const span of wanted) windows.open(span.offset, span.length);
    await fillWindows(source, windows);
    let found: ImageArch | null = null;
    try {
      found = await readImageArch(windows.read, size);
    } catch (error) {
      // A read of bytes not kept throws; anything else is the image's own answer.
      if (windows.misses.length === 0) throw error;
    }
    if (windows.misses.length === 0) return found;
    wanted = mergeRanges([...wanted, ...windows.misses]);
    if (wanted.reduce((sum, span) => sum + span.length, 0) > MAX_KEPT) break;
  }
  return null;
}

/** The source image's architecture, or null when the image does not say (no known EFI loader). */
export async function readSourceArch(source: SourceInfo): Promise<ImageArch | null> {
  if (source.format === 'raw') {
    const io = await openBlockIO(source.path, source.size ?? source.fileSize, { readOnly: true });
    try {
      return await readImageArch(io.read, io.size);
    } finally {
      await io.close();
    }
  }
  const xz = await openXzRandomAccess(source);
  if (xz) return readImageArch(xz.read, xz.size);
  return fromDecodedPasses(source);
}
