/**
 * Public keys published at a URL, one per line, as GitHub serves them at
 * https://github.com/<user>.keys. Only https (a key fetched in the clear could be swapped on the
 * way), a size cap (a keys file is small; a large answer is not one), a deadline for the whole
 * fetch (an answer dripped a byte a second never idles, yet must end), and every line checked as
 * an SSH public key: lines that are not keys are counted and dropped. A failure says "could not
 * fetch", never the socket's own words: refused, reset and timed out would tell a station client
 * which ports answer. For a station client (`publicOnly`) the address must be a public one.
 */
import { request, type Dispatcher } from 'undici';
import { FiotError } from '../../../shared/errors';
import { sshKeyProblem } from '../../../shared/provisioning';
import { refuseInternalUrl } from '../access/public-address';
import { netDispatcher } from '../net/dispatcher';
import { proxyRefusal } from '../net/proxy-refusal';

export const MAX_KEYS_BYTES = 64 * 1024;
/** The whole fetch, connection to last byte: a keys file is a few hundred bytes. */
export const KEYS_DEADLINE_MS = 15_000;

export interface FetchKeysOptions {
  /** Extra trusted certificate authorities (PEM), e.g. a loopback test server's own certificate. */
  ca?: string | Buffer;
  /** The deadline for the whole fetch (default KEYS_DEADLINE_MS). */
  timeoutMs?: number;
  maxBytes?: number;
  /** For a station client: only public addresses (access/public-address.ts). */
  publicOnly?: boolean;
}

function httpsUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new FiotError('INVALID_INPUT', `“${text}” is not a web address.`, 'Give an address such as https://github.com/your-name.keys.');
  }
  if (url.protocol !== 'https:') {
    throw new FiotError('INVALID_INPUT', `${url.protocol.replace(':', '')} addresses are refused: keys fetched without https could be replaced on the way.`, 'Use the https:// address of the keys.');
  }
  return url;
}

function couldNotFetch(url: URL, why: string): FiotError {
  return new FiotError('NETWORK', `Could not fetch ${url.href}: ${why}.`, 'Check the address (for GitHub: https://github.com/<user>.keys), or paste the key instead.');
}

/** A certificate the person must look at is named; every other failure reads the same. */
function failureWords(error: unknown): string {
  const tls = [error, (error as { cause?: unknown } | null)?.cause].find((e) => /CERT|TLS/.test((e as NodeJS.ErrnoException | null)?.code ?? ''));
  return tls ? `its certificate could not be verified (${(tls as Error).message})` : 'no answer';
}

async function download(url: URL, options: FetchKeysOptions): Promise<string> {
  const maxBytes = options.maxBytes ?? MAX_KEYS_BYTES;
  const deadlineMs = options.timeoutMs ?? KEYS_DEADLINE_MS;
  if (options.publicOnly) await refuseInternalUrl(url.href);
  const deadline = AbortSignal.timeout(deadlineMs);
  const late = () => couldNotFetch(url, `no complete answer within ${deadlineMs / 1000} s`);
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, { method: 'GET', dispatcher: netDispatcher(options.ca ? { ca: options.ca } : {}), signal: deadline, headersTimeout: deadlineMs, bodyTimeout: deadlineMs });
  } catch (error) {
    throw proxyRefusal(url.href, error) ?? (deadline.aborted ? late() : couldNotFetch(url, failureWords(error)));
  }
  if (response.statusCode !== 200) {
    response.body.resume();
    throw couldNotFetch(url, `the server answered HTTP ${response.statusCode}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      // Leaving the loop destroys the body: the rest of an oversized answer is never read.
      if (size > maxBytes) break;
      chunks.push(chunk);
    }
  } catch {
    throw deadline.aborted ? late() : couldNotFetch(url, 'the answer broke off');
  }
  if (size > maxBytes) throw new FiotError('INVALID_INPUT', `${url.href} sent more than ${maxBytes / 1024} KiB: that is not a list of public keys.`, 'Check the address.');
  return Buffer.concat(chunks).toString('utf8');
}

export async function fetchPublicKeys(address: string, options: FetchKeysOptions = {}): Promise<{ keys: string[]; skipped: number }> {
  const url = httpsUrl(address);
  const lines = (await download(url, options)).split('\n').map((l) => l.trim()).filter(Boolean);
  const keys = lines.filter((line) => sshKeyProblem(line) === null);
  if (keys.length === 0) throw new FiotError('INVALID_INPUT', `${url.href} holds no SSH public key.`, 'Check the address, or paste the key instead.');
  return { keys, skipped: lines.length - keys.length };
}
