/**
 * A partial download on disk: `<name>.part` holds the bytes received so far and `<name>.part.json`
 * what is needed to resume them safely after a dropped connection or an app restart (which URL
 * they came from, the server's validator for `If-Range`, and the full size).
 */
import { promises as fs } from 'node:fs';
import type { DownloadLeft } from '../../../../shared/domain/download-left';

export interface PartState {
  url: string;
  /** A strong ETag, or else Last-Modified: sent as If-Range so a changed file restarts cleanly. */
  validator: string | null;
  totalBytes: number | null;
  /**
   * The server sends parts of files (it said `Accept-Ranges: bytes`, or answered a Range with 206).
   * Absent in states written by older versions: unknown.
   */
  ranges?: boolean;
}

export function statePath(partPath: string): string {
  return `${partPath}.json`;
}

/** The bytes already on disk and the state they belong to; nothing resumable when either is missing. */
export async function readPart(partPath: string): Promise<{ bytes: number; state: PartState } | null> {
  try {
    const state = JSON.parse(await fs.readFile(statePath(partPath), 'utf8')) as PartState;
    const { size } = await fs.stat(partPath);
    return { bytes: size, state };
  } catch {
    return null;
  }
}

export async function writePartState(partPath: string, state: PartState): Promise<void> {
  const tmp = `${statePath(partPath)}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(state));
  await fs.rename(tmp, statePath(partPath));
}

/** The validator If-Range may carry: weak ETags are not allowed there (RFC 9110 13.1.5). */
export function validatorOf(headers: Record<string, string | string[] | undefined>): string | null {
  const etag = headers.etag;
  if (typeof etag === 'string' && !etag.startsWith('W/')) return etag;
  const lastModified = headers['last-modified'];
  return typeof lastModified === 'string' ? lastModified : null;
}

/** Whether the server's answer says it sends parts of files (RFC 9110 14.3). */
export function acceptsRanges(headers: Record<string, string | string[] | undefined>): boolean {
  const value = headers['accept-ranges'];
  return typeof value === 'string' && value.split(',').some((unit) => unit.trim().toLowerCase() === 'bytes');
}

/**
 * After a download stopped for good (a cancel): the part stays only when the next run can continue
 * it (a validator for If-Range, and a server that sends parts of files); else it is removed, since
 * the next run would download from the start anyway and the bytes only take the cache's room.
 */
export async function settleStoppedPart(partPath: string): Promise<DownloadLeft> {
  const part = await readPart(partPath);
  if (!part) return { bytes: 0, totalBytes: null, kept: false };
  const { bytes, state } = part;
  if (bytes > 0 && state.validator !== null && state.ranges === true) return { bytes, totalBytes: state.totalBytes, kept: true };
  await fs.rm(partPath, { force: true });
  await fs.rm(statePath(partPath), { force: true });
  return { bytes, totalBytes: state.totalBytes, kept: false };
}
