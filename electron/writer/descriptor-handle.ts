/**
 * A FileHandle over a descriptor this process inherited rather than opened (a drive UDisks2 opened
 * for it): Node has no public way to wrap a raw fd in a FileHandle, and etcher-sdk's classes read,
 * write, flush and close through one.
 */
import { close, fdatasync, ftruncate, read, write, type promises } from 'node:fs';
import { promisify } from 'node:util';

const readAt = promisify(read);
const writeAt = promisify(write);

export function descriptorHandle(fd: number): promises.FileHandle {
  const handle = {
    fd,
    // fs.read and fs.write promisify to FileHandle's own { bytesRead | bytesWritten, buffer } results.
    read: (buffer: Buffer, offset: number, length: number, position: number) => readAt(fd, buffer, offset, length, position),
    write: (buffer: Buffer, offset: number, length: number, position: number) => writeAt(fd, buffer, offset, length, position),
    datasync: () => promisify(fdatasync)(fd),
    truncate: (length: number) => promisify(ftruncate)(fd, length),
    close: () => promisify(close)(fd),
  };
  return handle as unknown as promises.FileHandle;
}
