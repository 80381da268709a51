/**
 * A target named by a person (CLI `--drive`, the UI's "add a device or image file by path"), as a
 * Drive: a listed drive, an explicitly named loop device, or a regular file that receives an image:
 * one that already holds a disk image (what this app writes), or a new one named like an image
 * file (`card.img`). A symlink to a file, any other existing file (a key, a document), and a new
 * name without an image file's ending (`loop46`, `sdb`: a drive's name missing its `/dev/`) are
 * refused here, before a single byte is written.
 */
import { accessSync, closeSync, constants, existsSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { Drive } from '../../../shared/domain/drive';
import { FiotError } from '../../../shared/errors';
import { FORMAT_PROBE_BYTES, looksLikeDiskImage } from '../image-source/format';
import { lstatOrNull, statOrNull } from './file-stat';
import { listAllDrives, type DriveLister } from './list-drives';
import { isLoopDevicePath, readLoopDrive, type LoopSources } from './loop-device';

export interface ResolveDeps extends LoopSources {
  listAll?: DriveLister;
}

/** Whether an existing file already holds a disk image (what this app writes), by its own marks. */
function holdsDiskImage(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(FORMAT_PROBE_BYTES);
    return looksLikeDiskImage(head.subarray(0, readSync(fd, head, 0, head.length, 0)));
  } finally {
    closeSync(fd);
  }
}

function isWritable(file: string): boolean {
  try {
    accessSync(file, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** What a new image file is called: a drive's name typed without `/dev/` never ends so. */
const NEW_IMAGE_FILE = /\.(img|raw|iso|bin)$/i;

/** The drive a relative name most likely meant (`loop46` or `dev/loop46` → `/dev/loop46`), when it exists. */
function driveMeant(target: string): string | null {
  if (path.isAbsolute(target)) return null;
  const candidates = [path.join('/', target), path.join('/dev', path.basename(target))];
  return candidates.find((candidate) => statOrNull(candidate)?.isBlockDevice()) ?? null;
}

function notADrive(target: string): FiotError {
  const meant = driveMeant(target);
  return new FiotError(
    'TARGET_NOT_FOUND',
    `“${target}” is not a drive, and no image file of that name exists: nothing was written.`,
    `${meant ? `Did you mean ${meant}? ` : ''}Run \`fiot-flash drives\` to see the drives that can be written (named with /dev/). To write a new image file instead, give it a name ending in .img or .raw (e.g. card.img).`,
  );
}

function fileTarget(file: string, stats: Stats | null): Drive {
  const folder = path.dirname(file);
  return {
    device: file,
    description: stats ? 'Image file (will be overwritten)' : 'New image file',
    size: stats ? stats.size : null,
    isSystem: false,
    isRemovable: false,
    isReadOnly: !isWritable(stats ? file : folder),
    isVirtual: false,
    kind: 'file',
    mountpoints: [],
  };
}

async function blockDeviceTarget(device: string, deps: ResolveDeps): Promise<Drive> {
  // A loop device is one of the listing's cards only where a listing was handed in (test-cards.ts).
  if (isLoopDevicePath(device)) return (deps.listAll && (await deps.listAll()).find((d) => d.device === device)) || readLoopDrive(device, deps);
  const listed = (await (deps.listAll ?? listAllDrives)()).find((d) => d.device === device);
  if (listed) return listed;
  const name = path.basename(device);
  if (existsSync(path.join(deps.sysRoot ?? '/sys', 'class', 'block', name, 'partition'))) {
    throw new FiotError('INVALID_INPUT', `${device} is a partition, not a whole drive.`, 'Name the whole drive (e.g. /dev/sdb, not /dev/sdb1): the image brings its own partitions.');
  }
  throw new FiotError('TARGET_NOT_FOUND', `${device} is not a drive this app can write.`, 'Run `fiot-flash drives` to see the drives that can be written.');
}

export async function resolveTarget(target: string, deps: ResolveDeps = {}): Promise<Drive> {
  if (!target.trim()) throw new FiotError('INVALID_INPUT', 'No target was given.', 'Name a drive such as /dev/sdb, or an image file path.');
  // Windows physical drives cannot be stat()ed: only drivelist knows them.
  if (target.startsWith('\\\\.\\')) {
    const listed = (await (deps.listAll ?? listAllDrives)()).find((d) => d.device.toLowerCase() === target.toLowerCase());
    if (!listed) throw new FiotError('TARGET_NOT_FOUND', `${target} is not connected.`);
    return listed;
  }
  const absolute = path.resolve(target);
  const stats = statOrNull(absolute);
  if (lstatOrNull(absolute)?.isSymbolicLink() && !stats?.isBlockDevice()) {
    throw new FiotError('INVALID_INPUT', `${absolute} is a symbolic link.`, 'Name the image file itself: a link is never followed for writing, so it cannot send the write somewhere else.');
  }
  // /dev/disk/by-id/... names are symlinks: resolve them so the drive is recognised by its real path.
  if (stats?.isBlockDevice()) return blockDeviceTarget(realpathSync(absolute), deps);
  if (stats?.isDirectory()) throw new FiotError('INVALID_INPUT', `${absolute} is a folder.`, 'Give the path of an image file to create inside it, e.g. card.img.');
  if (stats && !stats.isFile()) throw new FiotError('INVALID_INPUT', `${absolute} is neither a drive nor a regular file.`);
  if (stats && !holdsDiskImage(absolute)) {
    throw new FiotError('INVALID_INPUT', `${absolute} already exists and is not a disk image: other files are never overwritten.`, 'Give the name of a new image file to create, or delete this one first if you mean to replace it.');
  }
  if (!stats && absolute.startsWith('/dev/')) {
    throw new FiotError('TARGET_NOT_FOUND', `${absolute} does not exist.`, 'Check that the card or stick is plugged in, then run `fiot-flash drives`.');
  }
  // A new file only when it is plainly one: a typo of a drive's name must not become a file.
  if (!stats && !NEW_IMAGE_FILE.test(absolute)) throw notADrive(target);
  if (!stats && !statOrNull(path.dirname(absolute))?.isDirectory()) {
    throw new FiotError('TARGET_NOT_FOUND', `The folder ${path.dirname(absolute)} does not exist.`, 'Create the folder first, or choose another place for the image file.');
  }
  return fileTarget(absolute, stats);
}
