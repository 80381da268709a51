/**
 * A BlockIO over an image file or a block device opened by path (what `fiot-flash provision`
 * and the provision:apply channel use; the writer process brings its own over the device it holds).
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { BlockIO } from './block-io';

export interface OpenBlockIO extends BlockIO {
  sync(): Promise<void>;
  close(): Promise<void>;
}

export async function openBlockIO(path: string, size: number, options: { readOnly?: boolean } = {}): Promise<OpenBlockIO> {
  const handle: FileHandle = await open(path, options.readOnly ? 'r' : 'r+');
  return {
    size,
    async read(offset, length) {
      const buffer = Buffer.alloc(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(buffer, done, length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === length ? buffer : buffer.subarray(0, done);
    },
    async write(buf, offset) {
      let done = 0;
      while (done < buf.length) {
        const { bytesWritten } = await handle.write(buf, done, buf.length - done, offset + done);
        done += bytesWritten;
      }
    },
    sync: () => handle.sync(),
    close: () => handle.close(),
  };
}
