/**
 * A small disk image (an MBR with one partition of data), xz-compressed, named as Fedora publishes
 * its raw images: enough for a download and inspection to treat it as the published image, and
 * cheap to make on a busy machine. `randomBytes` of data xz cannot shrink set how long it takes to
 * download at a limited rate.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

const MiB = 1024 * 1024;

export function makeSmallImage(dir: string, { arch = 'aarch64', random = 64 * 1024 }: { arch?: string; random?: number } = {}): string {
  const image = path.join(dir, `Fedora-IoT-raw-43-20251024.0.${arch}.raw`);
  writeFileSync(image, Buffer.alloc(8 * MiB));
  execFileSync('sfdisk', ['--quiet', image], { input: 'label: dos\nstart=2048, type=83\n' });
  const fd = openSync(image, 'r+');
  writeSync(fd, randomBytes(random), 0, random, MiB);
  closeSync(fd);
  execFileSync('xz', ['-T1', '-0', '-k', '-f', image]);
  return `${image}.xz`;
}
