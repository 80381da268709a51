/**
 * Public keys published at a URL, one per line, as GitHub serves them at
 * https://github.com/<user>.keys. Only https (a key fetched in the clear could be swapped on the
 * way), a size cap (a keys file is small; a large answer is not one), a deadline, and every line
 * checked as an SSH public key: lines that are not keys are counted and dropped.
 */
import { request, type Dispatcher } from 'undici';
import { FiotError } from '../../../shared/errors';
import { sshKeyProblem } from '../../../shared/provisioning';
import { netDispatcher } from '../net/dispatcher';
import { proxyRefusal } from '../net/proxy-refusal';

export const MAX_KEYS_BYTES = 64 * 1024;

export interface FetchKeysOptions {
  /** Extra trusted certificate authorities (PEM), e.g. a loopback test server's own certificate. */
  ca?: string | Buffer;
  timeoutMs?: number;
  maxBytes?: number;
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

async function download(url: URL, options: FetchKeysOptions): Promise<string> {
  const maxBytes = options.maxBytes ?? MAX_KEYS_BYTES;
  const timeoutMs = options.timeoutMs ?? 10_000;
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, { method: 'GET', dispatcher: netDispatcher(options.ca ? { ca: options.ca } : {}), headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  } catch (error) {
    throw proxyRefusal(url.href, error) ?? new FiotError('NETWORK', `${url.href} could not be reached (${(error as Error).message}).`);
  }
  if (response.statusCode !== 200) {
    response.body.resume();
    throw new FiotError('NETWORK', `${url.href} answered HTTP ${response.statusCode}.`, 'Check the address (for GitHub: https://github.com/<user>.keys).');
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
  } catch (error) {
    throw new FiotError('NETWORK', `${url.href}: ${(error as Error).message}`);
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
