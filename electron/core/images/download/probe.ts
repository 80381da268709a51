/**
 * Whether an image's servers answer, asked with one byte before a download that starts later (the
 * card bench asks before its question, and the first card's job downloads). A server that cannot
 * be reached, or answers that it has no such file, fails here in the download's own words; one that
 * answers with a server error is left to the download, which retries.
 */
import { FiotError } from '../../../../shared/errors';
import { httpGet, type GetOptions, type GetResponse } from './http-get';
import { isUnreachable, unreachableError } from './unreachable';

/** The file's length from the first server that answers (null when it did not say), or the failure. */
export async function probeImage(urls: string[], signal?: AbortSignal, options: GetOptions = {}): Promise<number | null> {
  const failures: string[] = [];
  let unreachable: { url: string; error: unknown } | null = null;
  for (const url of urls) {
    try {
      const response = await httpGet(url, { range: 'bytes=0-0' }, signal, options);
      // One byte, or the whole image from a server that ignores Range: either way not read (the
      // abort that closes the connection is no failure).
      response.body.on('error', () => undefined).destroy();
      if (response.status < 400 || response.status >= 500 || response.status === 429) return lengthOf(response);
      failures.push(`${url}: HTTP ${response.status}`);
    } catch (error) {
      if (error instanceof FiotError) throw error;
      if (!isUnreachable(error)) failures.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
      else unreachable ??= { url, error };
    }
  }
  if (unreachable && !failures.length) throw unreachableError(unreachable.url, unreachable.error);
  throw new FiotError('NETWORK', `The download failed on every mirror: ${failures.join('; ')}`);
}

/** The whole file's length, as a part's answer (206) or the whole file's (200) says it. */
function lengthOf(response: GetResponse): number | null {
  const header = (name: string) => String(response.headers[name] ?? '');
  const length = response.status === 206 ? Number(/\/(\d+)$/.exec(header('content-range'))?.[1]) : response.status === 200 ? Number(header('content-length') || NaN) : NaN;
  return Number.isSafeInteger(length) && length > 0 ? length : null;
}
