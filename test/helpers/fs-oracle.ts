/**
 * Independent answers to "which bytes does this filesystem use", to hold the allocation map
 * (electron/core/image-map) against: dumpe2fs's own list of free blocks. And small one-partition
 * images to ask about, built as sparse files without loop devices.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { mapImage, type ByteRange } from '../../electron/core/image-map';
import { complement, intersectRuns, mergeRanges } from '../../electron/core/image-map/ranges';

const MiB = 1024 * 1024;

export async function mapFile(file: string, size: number) {
  const fd = openSync(file, 'r');
  try {
    return await mapImage(async (offset, length) => {
      const bytes = Buffer.alloc(length);
      return bytes.subarray(0, readSync(fd, bytes, 0, length, offset));
    }, size);
  } finally {
    closeSync(fd);
  }
}

/** The parts of sorted `ranges` inside [start, end). */
export function within(ranges: ByteRange[], start: number, end: number): ByteRange[] {
  const out: ByteRange[] = [];
  intersectRuns(ranges, start, end, out);
  return out;
}

export interface ExtUsage {
  used: ByteRange[];
  blockSize: number;
  fsBytes: number;
  groups: number;
}

/** Used blocks of an ext2/3/4 filesystem as byte ranges, from dumpe2fs's "Free blocks" lines. */
export function usedByDumpe2fs(image: string, offset: number): ExtUsage {
  const out = execFileSync('dumpe2fs', [`${image}?offset=${offset}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * MiB });
  const blockSize = Number(/^Block size:\s+(\d+)/m.exec(out)![1]);
  const blocks = Number(/^Block count:\s+(\d+)/m.exec(out)![1]);
  const free: ByteRange[] = [];
  for (const line of out.matchAll(/^ {2}Free blocks: (.*)$/gm)) {
    for (const part of line[1]!.split(/,\s*/).filter(Boolean)) {
      const [a, b = a] = part.split('-').map(Number) as [number, number?];
      free.push({ offset: offset + a * blockSize, length: (b! - a + 1) * blockSize });
    }
  }
  const groups = out.match(/^Group \d+:/gm)?.length ?? 0;
  return { used: complement(mergeRanges(free), offset, offset + blocks * blockSize), blockSize, fsBytes: blocks * blockSize, groups };
}

/** A one-partition MBR image (partition from 1 MiB to the end) holding what `format` makes at that offset. */
export function singlePartitionImage(dir: string, name: string, sizeMib: number, format: (image: string, offset: number) => void): string {
  const image = path.join(dir, name);
  execFileSync('truncate', ['-s', `${sizeMib}M`, image]);
  execFileSync('sfdisk', ['--quiet', '--no-reread', '--no-tell-kernel', image], { input: 'start=2048, type=83\n' });
  format(image, MiB);
  return image;
}
