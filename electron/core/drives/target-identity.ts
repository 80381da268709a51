/**
 * Which file or disk a name really is, by identity rather than by path text: a hard link, a
 * symlink, a /dev/disk/by-id alias or a loop device over the source all name the same bytes as
 * the source, and writing them would zero the image while it is being read. Files compare by
 * device and inode; block devices by their whole disk (a partition counts as its disk); a loop
 * device also by the file behind it, as the kernel holds it (loop-backing.ts), so every loop
 * over the same file counts as the same bytes.
 */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { Drive } from '../../../shared/domain/drive';
import { statOrNull } from './file-stat';
import { fileIdentity, loopBackings, majorMinor } from './loop-backing';

/** The whole disk a "major:minor" belongs to, or the id itself when sysfs does not know it as a block device. */
function wholeDiskOfId(id: string, sysRoot: string): string {
  let node: string;
  try {
    node = realpathSync(path.join(sysRoot, 'dev', 'block', id));
  } catch {
    return id;
  }
  return path.basename(existsSync(path.join(node, 'partition')) ? path.dirname(node) : node);
}

/**
 * The whole disk a device number belongs to ("sdb" for sdb1, "loop3" for loop3p2), or the bare
 * major:minor when sysfs does not know it as a block device (tmpfs, overlay).
 */
export function wholeDiskOf(dev: number, sysRoot = '/sys'): string {
  return wholeDiskOfId(majorMinor(dev), sysRoot);
}

/**
 * Keys naming what a target writes, shared by every name of the same bytes: the lock per target
 * and "named twice" both compare them. A block device is its whole disk, and a loop device also
 * the file behind it (two loops over one file are one card). A file is its real path (so a job on
 * a file another job is still creating collides) and, once it exists, its identity (so two hard
 * links, or a file and a loop device over it, collide).
 */
export function targetKeys(drive: Drive, sysRoot = '/sys', backings?: Map<string, string>): string[] {
  const stats = statOrNull(drive.device);
  if (stats?.isBlockDevice()) {
    const disk = wholeDiskOf(stats.rdev, sysRoot);
    const behind = /^loop\d+$/.test(disk) ? (backings ?? loopBackings(sysRoot)).get(disk) : undefined;
    return [`disk:${disk}`, ...(behind ? [`file:${behind}`] : [])];
  }
  const folder = path.dirname(drive.device);
  const realFolder = statOrNull(folder) ? realpathSync(folder) : folder;
  const keys = [`path:${path.join(realFolder, path.basename(drive.device))}`];
  if (stats) keys.push(`file:${fileIdentity(stats.dev, stats.ino)}`);
  return keys;
}

/**
 * Everything whose overwriting destroys the source's bytes: the source file itself, the disk its
 * filesystem is on, and when that disk is a loop device, the file behind it and the disk that
 * file lies on, and so on down.
 */
function sourceContainers(sourcePath: string, sysRoot: string, backings: Map<string, string>): Set<string> | null {
  const source = statOrNull(sourcePath);
  if (!source) return null;
  const keys = new Set<string>();
  let disk: string;
  if (source.isBlockDevice()) {
    disk = wholeDiskOf(source.rdev, sysRoot);
  } else {
    keys.add(`file:${fileIdentity(source.dev, source.ino)}`);
    disk = wholeDiskOf(source.dev, sysRoot);
  }
  // A loop inside a loop inside a loop is as deep as anyone goes; the bound only stops a cycle.
  for (let depth = 0; depth < 16 && !keys.has(`disk:${disk}`); depth++) {
    keys.add(`disk:${disk}`);
    const behind = backings.get(disk);
    if (!behind) break;
    keys.add(`file:${behind}`);
    disk = wholeDiskOfId(behind.slice(0, behind.lastIndexOf(':')), sysRoot);
  }
  return keys;
}

/**
 * True when writing `drive` would overwrite `sourcePath`'s bytes: the target is the source file
 * (under any name), a loop device over it (under any name, deleted or not), the disk whose
 * filesystem holds it, or a loop device over the same file as that disk.
 */
export function targetHoldsSource(drive: Drive, sourcePath: string, sysRoot = '/sys'): boolean {
  if (!statOrNull(drive.device)) return false;
  const backings = loopBackings(sysRoot);
  const containers = sourceContainers(sourcePath, sysRoot, backings);
  if (!containers) return false;
  return targetKeys(drive, sysRoot, backings).some((key) => containers.has(key));
}
