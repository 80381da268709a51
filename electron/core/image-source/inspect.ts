/**
 * Opens a local source file far enough to know what it is and how large its image is, so every
 * check that can happen before writing does: missing, unreadable, unknown format, truncated xz or
 * zip, a raw image shorter than its own partition table, image larger than the card.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { FiotError } from '../../../shared/errors';
import { formatSize } from '../../../shared/format-size';
import { TABLE_HEAD_BYTES } from '../image-map/partition-table';
import { detectFormat, FORMAT_PROBE_BYTES, type SourceFormat } from './format';
import { gzipImageHead, gzipTrailerSize, partitionTableEnd } from './table-end';
import { xzUncompressedSize } from './xz-index';
import { findZipImage } from './zip-entry';
import { zstdFrameContentSize } from './zstd-frame';

export interface SourceInfo {
  /** Absolute path of the file as given (compressed or not). */
  path: string;
  format: SourceFormat;
  /** Bytes of the file itself. */
  fileSize: number;
  /** Bytes of the decompressed image when known exactly: raw files, the xz index, a zip entry. */
  size: number | null;
  /** What the image is at least (equals size when known); gzip and bzip2 do not record it. */
  minSize: number;
  /** The image's name inside a zip archive. */
  zipEntry?: string;
}

/**
 * A download not made yet, as far as its server told: its format and, from its `.xz` index read
 * by Range requests, its image size. The flash writes it while it arrives.
 */
export function pendingDownloadInfo(partPath: string, download: { format: 'xz' | 'raw'; imageSize: number | null }): SourceInfo {
  return { path: partPath, format: download.format, fileSize: 0, size: download.imageSize, minSize: download.imageSize ?? 0 };
}

function openError(file: string, error: unknown): FiotError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new FiotError('SOURCE_NOT_FOUND', `There is no file at ${file}.`);
  if (code === 'EACCES' || code === 'EPERM') return new FiotError('SOURCE_UNREADABLE', `${file} cannot be read: permission denied.`);
  return new FiotError('SOURCE_UNREADABLE', `${file} cannot be read: ${(error as Error).message}`);
}

export async function inspectSource(file: string): Promise<SourceInfo> {
  const absolute = path.resolve(file);
  const name = path.basename(absolute);
  let handle;
  try {
    const info = await stat(absolute);
    if (info.isDirectory()) throw new FiotError('SOURCE_UNREADABLE', `${file} is a folder, not an image file.`);
    handle = await open(absolute, 'r');
  } catch (error) {
    throw error instanceof FiotError ? error : openError(file, error);
  }
  try {
    const fileSize = (await handle.stat()).size;
    if (fileSize === 0) throw new FiotError('SOURCE_UNKNOWN_FORMAT', `${file} is empty.`);
    const read = async (offset: number, length: number): Promise<Buffer> => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    };
    const head = await read(0, Math.min(FORMAT_PROBE_BYTES, fileSize));
    const format = detectFormat(head, name);
    const base = { path: absolute, format, fileSize };
    switch (format) {
      case 'raw': {
        const tableEnd = partitionTableEnd(await read(0, Math.min(TABLE_HEAD_BYTES, fileSize)));
        if (tableEnd > fileSize) {
          throw new FiotError('SOURCE_CORRUPT', `${file} is cut short: its partition table says the image is at least ${formatSize(tableEnd)} (${tableEnd} bytes), but the file holds ${formatSize(fileSize)} (${fileSize} bytes). Nothing was written.`);
        }
        return { ...base, size: fileSize, minSize: fileSize };
      }
      case 'xz': {
        const size = await xzUncompressedSize(read, fileSize, name);
        return { ...base, size, minSize: size };
      }
      case 'zip': {
        const entry = await findZipImage(absolute);
        return { ...base, size: entry.uncompressedSize, minSize: entry.uncompressedSize, zipEntry: entry.name };
      }
      case 'zstd':
        // The first frame's recorded size is a floor: a file may hold several frames.
        return { ...base, size: null, minSize: zstdFrameContentSize(head) ?? 0 };
      case 'gzip': {
        // gzip records the size modulo 4 GiB only: the exact size is known once decoded, but the
        // trailer and the image's own partition table each give a floor.
        const trailer = await read(Math.max(0, fileSize - 4), Math.min(4, fileSize));
        const floor = Math.max(gzipTrailerSize(trailer), partitionTableEnd(await gzipImageHead(absolute)));
        return { ...base, size: null, minSize: floor };
      }
      default:
        // bzip2 does not record the size at all: known only once decoded.
        return { ...base, size: null, minSize: 0 };
    }
  } finally {
    await handle.close();
  }
}
