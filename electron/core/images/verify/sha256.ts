/** sha256 of a file, streamed so an 800 MB image never sits in memory. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { FiotError } from '../../../../shared/errors';

export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** sha256 of an image about to be flashed, its failures in words. */
export async function sha256OfImage(file: string, signal: AbortSignal | undefined): Promise<string> {
  try {
    return await sha256File(file, signal);
  } catch (error) {
    if (signal?.aborted) throw new FiotError('CANCELLED', 'Cancelled while reading the image’s checksum.');
    throw new FiotError('SOURCE_UNREADABLE', `${file} could not be read to the end: ${(error as Error).message}`);
  }
}
