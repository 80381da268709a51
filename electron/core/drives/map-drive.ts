/**
 * drivelist's view of a drive, turned into the app's Drive (shared/domain/drive.ts).
 * Kept apart from the listing so the mapping is tested with drivelist-shaped objects, no hardware.
 */
import type { Drive as DrivelistDrive } from 'drivelist';
import type { Drive } from '../../../shared/domain/drive';
import { holdsSystemMount } from './system-mounts';

/**
 * Memory-backed block devices (zram swap, ramdisks) are listed by drivelist as removable, but
 * erasing one takes memory or swap from the running system: treat them as system drives.
 */
const memoryDevice = /^\/dev\/(zram|ram)\d+$/;

export function fromDrivelist(source: DrivelistDrive): Drive {
  const mountpoints = source.mountpoints.map((m) => m.path);
  const description = source.description.trim() || (source.busType !== 'UNKNOWN' ? `${source.busType} drive` : 'Drive');
  return {
    device: source.device,
    description,
    size: source.size,
    isSystem: source.isSystem || memoryDevice.test(source.device) || holdsSystemMount(mountpoints),
    isRemovable: source.isRemovable,
    isReadOnly: source.isReadOnly,
    isVirtual: Boolean(source.isVirtual),
    kind: 'drive',
    mountpoints,
    busType: source.busType,
  };
}

/** System drives only when asked for: a person should not even see them as a choice by default. */
export function selectDrives(drives: Drive[], all: boolean): Drive[] {
  return all ? drives : drives.filter((d) => !d.isSystem);
}
