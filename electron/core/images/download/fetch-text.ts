/**
 * A small text file (a CHECKSUM file), or null when it is not there or cannot be fetched. A refused
 * downgrade (INSECURE_REDIRECT) is thrown instead, so the user is told the real reason.
 */
import { FiotError } from '../../../../shared/errors';
import { httpGet } from './http-get';

const MAX_TEXT_BYTES = 1 << 20;
const TIMEOUT_MS = 20_000;

export async function fetchText(url: string, signal?: AbortSignal): Promise<string | null> {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  try {
    const response = await httpGet(url, {}, signal ? AbortSignal.any([signal, timeout]) : timeout);
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
    return null;
  }
}
