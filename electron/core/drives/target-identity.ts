/**
 * Which file or disk a name really is, by identity rather than by path text: a hard link, a
 * symlink, a /dev/disk/by-id alias or a loop device over the source all name the same bytes as
 * the source, and writing them would zero the image while it is being read. Files compare by
 * device and inode; block devices by their whole disk (a partition counts as its disk); a loop
 * device also by the file behind it (/sys/block/loopN/loop/backing_file, then stat).
 */
import { existsSync, readFileSync, realpathSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { Drive } from '../../../shared/domain/drive';
import { statOrNull } from './file-stat';

/** Linux's dev_t encoding (glibc's gnu_dev_major/minor), from the number Node's stat returns. */
function majorMinor(dev: number): string {
  const major = (Math.floor(dev / 2 ** 8) % 2 ** 12) + Math.floor(dev / 2 ** 44) * 2 ** 12;
  const minor = (dev % 2 ** 8) + (Math.floor(dev / 2 ** 20) % 2 ** 24) * 2 ** 8;
  return `${major}:${minor}`;
}

/**
 * The whole disk a device number belongs to ("sdb" for sdb1, "loop3" for loop3p2), or the bare
 * major:minor when sysfs does not know it as a block device (tmpfs, overlay).
 */
export function wholeDiskOf(dev: number, sysRoot = '/sys'): string {
  const id = majorMinor(dev);
  let node: string;
  try {
    node = realpathSync(path.join(sysRoot, 'dev', 'block', id));
  } catch {
    return id;
  }
  return path.basename(existsSync(path.join(node, 'partition')) ? path.dirname(node) : node);
}

function loopBackingFile(device: string, sysRoot: string): string | null {
  try {
    // A backing file deleted since attaching is shown with this suffix; it can no longer be the source's path.
    return readFileSync(path.join(sysRoot, 'block', path.basename(device), 'loop', 'backing_file'), 'utf8').trim().replace(/ \(deleted\)$/, '');
  } catch {
    return null;
  }
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * Keys naming what a target writes, shared by every name of the same bytes: the lock per target
 * and "named twice" both compare them. A block device is its whole disk. A file is its real path
 * (so a job on a file another job is still creating collides) and, once it exists, its inode
 * (so two hard links collide).
 */
export function targetKeys(drive: Drive, sysRoot = '/sys'): string[] {
  const stats = statOrNull(drive.device);
  if (stats?.isBlockDevice()) return [`disk:${wholeDiskOf(stats.rdev, sysRoot)}`];
  const folder = path.dirname(drive.device);
  const realFolder = statOrNull(folder) ? realpathSync(folder) : folder;
  const keys = [`path:${path.join(realFolder, path.basename(drive.device))}`];
  if (stats) keys.push(`file:${stats.dev}:${stats.ino}`);
  return keys;
}

/**
 * True when writing `drive` would overwrite `sourcePath`'s bytes: the target is the source file
 * (under any name), a loop device over it, or the disk whose filesystem holds it.
 */
export function targetHoldsSource(drive: Drive, sourcePath: string, sysRoot = '/sys'): boolean {
  const source = statOrNull(sourcePath);
  const target = statOrNull(drive.device);
  if (!source || !target) return false;
  if (target.isFile()) return sameFile(target, source);
  if (!target.isBlockDevice()) return false;
  // The disk the source's bytes live on: its own, for a device; the one its filesystem is on, for a file.
  const sourceDisk = wholeDiskOf(source.isBlockDevice() ? source.rdev : source.dev, sysRoot);
  if (wholeDiskOf(target.rdev, sysRoot) === sourceDisk) return true;
  const backing = loopBackingFile(drive.device, sysRoot);
  const behind = backing === null ? null : statOrNull(backing);
  if (!behind) return false;
  return behind.isBlockDevice() ? wholeDiskOf(behind.rdev, sysRoot) === sourceDisk : sameFile(behind, source);
}
