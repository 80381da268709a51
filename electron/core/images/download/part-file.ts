/**
 * A partial download on disk: `<name>.part` holds the bytes received so far and `<name>.part.json`
 * what is needed to resume them safely after a dropped connection or an app restart (which URL
 * they came from, the server's validator for `If-Range`, and the full size).
 */
import { promises as fs } from 'node:fs';

export interface PartState {
  url: string;
  /** A strong ETag, or else Last-Modified: sent as If-Range so a changed file restarts cleanly. */
  validator: string | null;
  totalBytes: number | null;
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
