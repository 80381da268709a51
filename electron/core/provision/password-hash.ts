/**
 * sha512-crypt (`$6$`, Ulrich Drepper's specification), the crypt(3) scheme every Fedora's
 * libxcrypt verifies. The UI and the CLI turn a typed password into this hash at once, so a plain
 * password is never stored or written to a card. Written on node:crypto rather than taken from
 * npm: the registry offers no well-kept sha512-crypt or yescrypt package, `openssl passwd -6` is
 * missing on Windows, and the algorithm is short and checked in tests against `openssl passwd -6`.
 *
 * Its 5000 rounds take ~20 ms of CPU, so the hash runs in a worker thread: a station serving many
 * clients keeps answering while one of them hashes.
 */
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { FiotError } from '../../../shared/errors';
import { PASSWORD_MAX_BYTES, passwordBytes, passwordTooLongMessage } from '../../../shared/provisioning/password';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * The digest part of a `$6$` hash. Self-contained on purpose (no outside names but its arguments
 * and globals): its source text is what the worker thread runs, so the same bundle works from
 * the sources, the CLI bundle and the packaged app without a separate worker file.
 */
function sha512CryptDigest(createHash: typeof import('node:crypto').createHash, password: Buffer, salt: Buffer): string {
  const itoa64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const rounds = 5000;
  // The order in which the 64 digest bytes are encoded, three at a time (from the specification).
  const encodeOrder = [
    [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
    [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13],
    [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
  ] as const;
  const sha512 = (...parts: Buffer[]) => {
    const hash = createHash('sha512');
    for (const part of parts) hash.update(part);
    return hash.digest();
  };
  /** `source` repeated to exactly `length` bytes. */
  const repeatTo = (source: Buffer, length: number): Buffer => {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i += source.length) source.copy(out, i, 0, Math.min(source.length, length - i));
    return out;
  };
  const encode24 = (b2: number, b1: number, b0: number, chars: number): string => {
    let word = (b2 << 16) | (b1 << 8) | b0;
    let out = '';
    for (let i = 0; i < chars; i++) {
      out += itoa64[word & 0x3f];
      word >>= 6;
    }
    return out;
  };

  const alternate = sha512(password, salt, password);
  const start = createHash('sha512').update(password).update(salt).update(repeatTo(alternate, password.length));
  for (let bits = password.length; bits > 0; bits >>= 1) start.update(bits & 1 ? alternate : password);
  let result = start.digest();

  const pBytes = repeatTo(sha512(...Array<Buffer>(password.length).fill(password)), password.length);
  const sBytes = repeatTo(sha512(...Array<Buffer>(16 + result[0]!).fill(salt)), salt.length);
  for (let round = 0; round < rounds; round++) {
    const hash = createHash('sha512');
    hash.update(round & 1 ? pBytes : result);
    if (round % 3) hash.update(sBytes);
    if (round % 7) hash.update(pBytes);
    hash.update(round & 1 ? result : pBytes);
    result = hash.digest();
  }
  const encoded = encodeOrder.map(([a, b, c]) => encode24(result[a]!, result[b]!, result[c]!, 4)).join('');
  return encoded + encode24(0, 0, result[63]!, 2);
}

/**
 * The worker's whole program: hash what it was handed, post the digest back, exit. `__name` is
 * the helper esbuild calls when it keeps function names (tsx does): the function's text may call it.
 */
const WORKER_SOURCE = `
const __name = (target) => target;
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const digest = (${sha512CryptDigest.toString()});
parentPort.postMessage(digest(createHash, Buffer.from(workerData.password), Buffer.from(workerData.salt)));
`;

function digestInWorker(password: Buffer, salt: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { password, salt } });
    worker.once('message', (digest: unknown) => {
      if (typeof digest === 'string') resolve(digest);
      else reject(new Error('the password hashing thread answered something other than a hash'));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the password hashing thread ended (code ${code}) without a hash`)));
  });
}

/**
 * A fresh `$6$` hash of `password` with a random 16-character salt (or the salt given, for tests).
 * Refuses a password Fedora's login could not check (longer than PASSWORD_MAX_BYTES).
 */
export async function hashPassword(password: string, salt?: string): Promise<string> {
  if (password.length === 0) throw new FiotError('INVALID_INPUT', 'password: is empty; leave it out to log in with an SSH key only');
  if (passwordBytes(password) > PASSWORD_MAX_BYTES) throw new FiotError('INVALID_INPUT', passwordTooLongMessage);
  const chosen = salt ?? Array.from(randomBytes(16), (byte) => ITOA64[byte & 0x3f]).join('');
  if (!/^[./0-9A-Za-z]{1,16}$/.test(chosen)) throw new Error('sha512-crypt salts are 1 to 16 characters of [./0-9A-Za-z]');
  const digest = await digestInWorker(Buffer.from(password, 'utf8'), Buffer.from(chosen, 'ascii'));
  return `$6$${chosen}$${digest}`;
}
