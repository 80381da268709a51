/**
 * A small text file (a CHECKSUM file), or null when the server answered without it. A refused
 * downgrade (INSECURE_REDIRECT) and a server that cannot be reached at all (OFFLINE) are thrown
 * instead, so the user is told the real reason rather than "the signature is missing".
 */
import { FiotError } from '../../../../shared/errors';
import { httpGet, type GetOptions } from './http-get';
import { isUnreachable, unreachableError } from './unreachable';

const MAX_TEXT_BYTES = 1 << 20;
const TIMEOUT_MS = 20_000;

export async function fetchText(url: string, signal?: AbortSignal, options: GetOptions = {}): Promise<string | null> {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  try {
    const response = await httpGet(url, {}, signal ? AbortSignal.any([signal, timeout]) : timeout, options);
    if (response.status !== 200) {
      response.body.resume();
      return null;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > MAX_TEXT_BYTES) {
        response.body.destroy();
        return null;
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (error instanceof FiotError) throw error;
    if (!signal?.aborted && isUnreachable(error)) throw unreachableError(url, error);
    return null;
  }
}
