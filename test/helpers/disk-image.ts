/** A small raw disk image of random bytes that every check recognises as one (an MBR boot signature). */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';

export function writeDiskImage(file: string, size: number): Buffer {
  const bytes = randomBytes(size);
  bytes[510] = 0x55;
  bytes[511] = 0xaa;
  writeFileSync(file, bytes);
  return bytes;
}
