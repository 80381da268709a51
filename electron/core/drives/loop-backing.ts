/**
 * The file behind each loop device as the kernel holds it: the device number and inode that
 * LOOP_GET_STATUS64 reports (`lo_device`, `lo_inode`), read through losetup (Node has no ioctl).
 * Unlike sysfs's `loop/backing_file`, which is path text (trailing spaces, " (deleted)" for a
 * name removed since, the name the file had when attached), this names the bytes themselves: a
 * file renamed, deleted but kept by a hard link, or attached twice is still recognised.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { statOrNull } from './file-stat';
import { findTool } from '../system-tools';

/** Linux's dev_t encoding (glibc's gnu_dev_major/minor), from the number Node's stat returns. */
export function majorMinor(dev: number): string {
  const major = (Math.floor(dev / 2 ** 8) % 2 ** 12) + Math.floor(dev / 2 ** 44) * 2 ** 12;
  const minor = (dev % 2 ** 8) + (Math.floor(dev / 2 ** 20) % 2 ** 24) * 2 ** 8;
  return `${major}:${minor}`;
}

/** A file's identity as "major:minor:inode", the form both stat and the loop driver give. */
export function fileIdentity(dev: number, ino: number): string {
  return `${majorMinor(dev)}:${ino}`;
}

interface LosetupList {
  loopdevices?: Array<{ name?: string; 'back-ino'?: number | string | null; 'back-maj:min'?: string | null }>;
}

/** Every attached loop device ("loop3") with its backing file's identity, from the kernel through losetup; null when losetup cannot tell. */
function fromLosetup(): Map<string, string> | null {
  const losetup = findTool('losetup');
  if (!losetup) return null;
  let list: LosetupList;
  try {
    list = JSON.parse(execFileSync(losetup, ['--list', '--json', '--output', 'NAME,BACK-INO,BACK-MAJ:MIN'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }) || '{}') as LosetupList;
  } catch {
    return null;
  }
  const found = new Map<string, string>();
  for (const loop of list.loopdevices ?? []) {
    const devId = loop['back-maj:min']?.trim();
    const ino = loop['back-ino'];
    if (!loop.name || !devId || ino === null || ino === undefined || !/^\d+:\d+$/.test(devId)) continue;
    found.set(path.basename(loop.name), `${devId}:${ino}`);
  }
  return found;
}

/**
 * Where losetup cannot answer (not installed, or the loop devices cannot be opened): the path
 * sysfs shows, taken exactly (only the kernel's own " (deleted)" mark is removed), then stat.
 * A backing file whose name is gone is then not found: losetup is what finds it.
 */
function fromSysfs(sysRoot: string): Map<string, string> {
  const found = new Map<string, string>();
  let names: string[];
  try {
    names = readdirSync(path.join(sysRoot, 'block')).filter((name) => /^loop\d+$/.test(name));
  } catch {
    return found;
  }
  for (const name of names) {
    let backing: string;
    try {
      backing = readFileSync(path.join(sysRoot, 'block', name, 'loop', 'backing_file'), 'utf8').replace(/\n$/, '').replace(/ \(deleted\)$/, '');
    } catch {
      continue;
    }
    const stats = statOrNull(backing);
    if (stats) found.set(name, fileIdentity(stats.dev, stats.ino));
  }
  return found;
}

/** The identity of the file behind each attached loop device, by its name ("loop3"). */
export function loopBackings(sysRoot = '/sys'): Map<string, string> {
  const kernel = sysRoot === '/sys' ? fromLosetup() : null;
  const sysfs = fromSysfs(sysRoot);
  if (!kernel) return sysfs;
  for (const [name, identity] of sysfs) if (!kernel.has(name)) kernel.set(name, identity);
  return kernel;
}
