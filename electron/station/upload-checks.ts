/**
 * What the station checks about an upload before reading a byte of it: the name it would be saved
 * under, the size the client announces, and whether the station's disk has room for it. Each
 * refusal carries the HTTP status and the words the browser shows.
 */
import { lstat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { formatSize } from '../../shared/format-size';
import { uploadNameProblem } from '../../shared/image-file-name';

export interface UploadRefusal {
  status: number;
  reason: string;
}

export function isRefusal<T extends object>(value: T | UploadRefusal): value is UploadRefusal {
  return 'status' in value;
}

/** The file name from the last segment of the upload's URL path (percent-encoded), or why it cannot be one. */
export function uploadName(encoded: string): { name: string } | UploadRefusal {
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    return { status: 400, reason: 'The file name in the upload’s address is not valid: rename the file and upload it again.' };
  }
  const problem = uploadNameProblem(name);
  return problem ? { status: 400, reason: problem } : { name };
}

/** The body's length as Content-Length announces it: required, so free space is checked first. */
export function announcedLength(header: string | undefined): { length: number } | UploadRefusal {
  if (header === undefined) {
    return { status: 411, reason: 'An upload must say how large it is (Content-Length): send the file itself as the body, not in chunks.' };
  }
  const length = Number(header);
  if (!/^\d+$/.test(header) || !Number.isSafeInteger(length)) return { status: 400, reason: 'The upload’s Content-Length is not a number of bytes.' };
  if (length === 0) return { status: 400, reason: 'The file is empty: there is no image in it.' };
  return { length };
}

/**
 * What an upload must leave free on the station's disk: 5 % of it, at most 1 GiB. A disk filled
 * to its last byte stops the station's own work (its history, the image cache, the system's logs).
 */
export function uploadReserve(diskBytes: number): number {
  return Math.min(1024 ** 3, Math.ceil(diskBytes * 0.05));
}

/** Null when `name` is free in `folder` and its disk has room for `length` bytes and the reserve. */
export async function roomFor(folder: string, name: string, length: number): Promise<UploadRefusal | null> {
  if (await lstat(path.join(folder, name)).catch(() => null)) {
    return { status: 409, reason: `The station already has a file named “${name}”, and it is never replaced. Choose it from the list of images, or rename your file and upload it again.` };
  }
  const { bavail, blocks, bsize } = await statfs(folder);
  const free = bavail * bsize;
  const reserve = uploadReserve(blocks * bsize);
  if (length > free - reserve) {
    return {
      status: 507,
      reason: `The station’s disk has ${formatSize(free)} free and keeps ${formatSize(reserve)} of it for its own work; “${name}” needs ${formatSize(length)}. Free some space on the station (fiot-flash cache prune), or upload a compressed image (.raw.xz).`,
    };
  }
  return null;
}
