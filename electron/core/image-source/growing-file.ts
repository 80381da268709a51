/**
 * The `.part` file of a download in progress as a stream: each read waits until the download has
 * put the bytes it needs on disk (download-feed.ts), so a decoder can start on the first block
 * while the rest is still on its way. One descriptor is kept from the first read to the last: the
 * core may move the verified file into the cache meanwhile, and the open file moves with it.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { FiotError } from '../../../shared/errors';
import type { DownloadFeed } from './download-feed';

const READ_BYTES = 1 << 20;

/** The `.part` file, or where the core moved it once verified. */
export async function openPart(partPath: string, feed: DownloadFeed, signal: AbortSignal): Promise<FileHandle> {
  try {
    return await open(partPath, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // Verified and moved into the cache before the first read: it lies where the core says now.
    await feed.verified(signal);
    return open(feed.verifiedFile!, 'r');
  }
}

export function growingFile(partPath: string, feed: DownloadFeed, signal: AbortSignal): Readable {
  let handle: FileHandle | null = null;
  let position = 0;
  return new Readable({
    highWaterMark: READ_BYTES,
    read() {
      void (async () => {
        const available = await feed.available(position, signal);
        if (position >= available) return void this.push(null);
        handle ??= await openPart(partPath, feed, signal);
        const length = Math.min(READ_BYTES, available - position);
        const { buffer, bytesRead } = await handle.read(Buffer.allocUnsafe(length), 0, length, position);
        if (bytesRead === 0) throw new FiotError('SOURCE_UNREADABLE', `${partPath} is shorter than the download says (${position} of ${available} bytes).`);
        position += bytesRead;
        this.push(buffer.subarray(0, bytesRead));
      })().catch((error: unknown) => this.destroy(error as Error));
    },
    destroy(error, callback) {
      const closing = handle?.close() ?? Promise.resolve();
      closing.then(() => callback(error), () => callback(error));
    },
  });
}
