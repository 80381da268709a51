/**
 * Telling "the server could not be reached" (no network, a name that does not resolve, a refused
 * or timed-out connection) from "the server answered, but not with the file". The first is what a
 * person offline meets, and it must say so: no signature setting fixes a missing network.
 */
import { FiotError } from '../../../../shared/errors';

const TRANSPORT_CODES = /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ENETDOWN|UND_ERR)/;

/** True for a failure of the connection itself, before or while any answer arrived. */
export function isUnreachable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const name = (error as Error | null)?.name;
  return (typeof code === 'string' && TRANSPORT_CODES.test(code))
    || name === 'TimeoutError'
    || /no answer from|socket hang up/.test((error as Error | null)?.message ?? '');
}

/** The error a person offline reads: which server did not answer, and that nothing was downloaded. */
export function unreachableError(url: string, error: unknown): FiotError {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // Not a URL: name it as given.
  }
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return new FiotError('OFFLINE', `${host} did not answer${code ? ` (${code})` : ''}, so nothing was downloaded.`);
}
