/**
 * Loop devices named explicitly (/dev/loopN): drivelist does not list them, so their facts come
 * from sysfs. Tests and field techs writing to a file-backed "card" rely on this.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Drive } from '../../../shared/domain/drive';
import { FiotError } from '../../../shared/errors';
import { holdsSystemMount } from './system-mounts';

const loopName = /^loop\d+$/;

export function isLoopDevicePath(device: string): boolean {
  return path.dirname(device) === '/dev' && loopName.test(path.basename(device));
}

function readSys(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Mountpoints of the device and of its partitions (/dev/loopNpM), from a mounts table. */
export function mountpointsOf(device: string, mountsTable: string): string[] {
  const found: string[] = [];
  for (const line of mountsTable.split('\n')) {
    const [source, target] = line.split(' ');
    if (!source || !target) continue;
    if (source === device || (source.startsWith(device + 'p') && /^\d+$/.test(source.slice(device.length + 1)))) {
      // /proc/mounts escapes spaces and other odd characters as octal.
      found.push(target.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))));
    }
  }
  return found;
}

function swapDevices(swapsTable: string): Set<string> {
  return new Set(swapsTable.split('\n').slice(1).map((line) => line.split(/\s+/)[0]).filter((s): s is string => Boolean(s)));
}

export interface LoopSources {
  sysRoot?: string;
  mountsTable?: string;
  swapsTable?: string;
}

export function readLoopDrive(device: string, sources: LoopSources = {}): Drive {
  const name = path.basename(device);
  if (!isLoopDevicePath(device)) throw new FiotError('INVALID_INPUT', `${device} is not a loop device.`);
  const sysBlock = path.join(sources.sysRoot ?? '/sys', 'block', name);
  const sectors = readSys(path.join(sysBlock, 'size'));
  if (sectors === null) throw new FiotError('TARGET_NOT_FOUND', `${device} does not exist on this machine.`);
  const backingFile = readSys(path.join(sysBlock, 'loop', 'backing_file'));
  if (backingFile === null || Number(sectors) === 0) {
    throw new FiotError('TARGET_NOT_FOUND', `${device} is not attached to a file.`, 'The card is not in its reader any more: put it back in, or choose another card.');
  }
  const mountpoints = mountpointsOf(device, sources.mountsTable ?? readSys('/proc/self/mounts') ?? '');
  if (swapDevices(sources.swapsTable ?? readSys('/proc/swaps') ?? '').has(device)) mountpoints.push('[SWAP]');
  return {
    device,
    description: `Loop device over ${backingFile}`,
    size: Number(sectors) * 512,
    isSystem: holdsSystemMount(mountpoints),
    isRemovable: false,
    isReadOnly: readSys(path.join(sysBlock, 'ro')) === '1',
    isVirtual: true,
    kind: 'loop',
    mountpoints,
    backingFile,
  };
}
