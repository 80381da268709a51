/**
 * What a person would check on a written card, without mounting: filesystem checks that must come
 * out clean, and the tree of files (type, mode, content, link target) read back by the filesystem
 * tools themselves (debugfs for ext4, mtools for FAT), so two images can be compared file by file.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface FsckResult {
  clean: boolean;
  output: string;
}

/** `e2fsck -fn` on the ext4 filesystem at `offset` of an image file (e2fsprogs' `file?offset=`). */
export function e2fsck(image: string, offset: number): FsckResult {
  const r = spawnSync('e2fsck', ['-fn', `${image}?offset=${offset}`], { encoding: 'utf8' });
  return { clean: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** `fsck.vfat -n` on the FAT filesystem at `offset` (it has no offset option: the bytes go to a temp file). */
export function fsckVfat(image: string, offset: number, size: number): FsckResult {
  return withPartitionCopy(image, offset, size, (copy) => {
    const r = spawnSync('fsck.vfat', ['-n', copy], { encoding: 'utf8' });
    return { clean: r.status === 0, output: `${r.stdout}${r.stderr}` };
  });
}

/** Path -> description of every entry under the ext4 filesystem at `offset`. */
export function ext4Tree(image: string, offset: number): Map<string, string> {
  return withTempDir((dir) => {
    const r = spawnSync('debugfs', ['-R', `rdump / ${dir}`, `${image}?offset=${offset}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`debugfs rdump failed: ${r.stderr}`);
    return describeTree(dir);
  });
}

/** Path -> description of every entry in the FAT filesystem at `offset`. */
export function vfatTree(image: string, offset: number): Map<string, string> {
  return withTempDir((dir) => {
    const r = spawnSync('mcopy', ['-s', '-n', '-i', `${image}@@${offset}`, '::/', dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mcopy failed: ${r.stderr}`);
    return describeTree(dir);
  });
}

/** The entries of the two trees that differ (missing on one side, or different). */
export function treeDifferences(expected: Map<string, string>, actual: Map<string, string>): string[] {
  const diffs: string[] = [];
  for (const [name, what] of expected) {
    if (actual.get(name) !== what) diffs.push(`${name}: expected ${what}, got ${actual.get(name) ?? 'nothing'}`);
  }
  for (const name of actual.keys()) if (!expected.has(name)) diffs.push(`${name}: not expected`);
  return diffs;
}

function describeTree(root: string): Map<string, string> {
  const entries = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const rel = path.relative(root, full);
      const st = lstatSync(full);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) entries.set(rel, `link -> ${readlinkSync(full)}`);
      else if (st.isDirectory()) {
        entries.set(rel, `dir ${mode}`);
        walk(full);
      } else entries.set(rel, `file ${mode} ${st.size} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
    }
  };
  walk(root);
  return entries;
}

/**
 * Dumped trees and partition copies are read once and thrown away: in memory (/dev/shm) when there
 * is one, since a disk mounted with `discard` spends minutes deleting a dumped 1.2 GiB root.
 */
const scratch = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();

function withTempDir<T>(use: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(scratch, 'fiot-tree-'));
  try {
    return use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function withPartitionCopy<T>(image: string, offset: number, size: number, use: (copy: string) => T): T {
  return withTempDir((dir) => {
    const copy = path.join(dir, 'partition.img');
    const r = spawnSync('dd', [`if=${image}`, `of=${copy}`, 'bs=64K', 'iflag=skip_bytes,count_bytes',
      `skip=${offset}`, `count=${size}`, 'status=none']);
    if (r.status !== 0) throw new Error(`dd failed: ${r.stderr}`);
    return use(copy);
  });
}
