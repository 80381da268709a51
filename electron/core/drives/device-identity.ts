/**
 * Which physical card a device is, for the batch record: its model and serial as the kernel
 * reports them in sysfs (an SD card's own serial through an mmc reader, a USB stick's or reader's
 * serial from the USB device above it). A loop device has neither; the file behind it stands in
 * as its serial, since that file is what was written.
 */
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { CardIdentity, Drive } from '../../../shared/domain/drive';

export interface DeviceIdentity {
  model?: string;
  serial?: string;
}

function readSys(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The nearest `serial` file walking up from the block device's parent device (USB sits a few levels up). */
function serialAbove(deviceDir: string): string | undefined {
  let dir: string;
  try {
    dir = realpathSync(deviceDir);
  } catch {
    return undefined;
  }
  for (let depth = 0; depth < 8 && dir.startsWith('/sys/devices/'); depth++, dir = path.dirname(dir)) {
    const serial = readSys(path.join(dir, 'serial'));
    if (serial) return serial;
  }
  return undefined;
}

export function identifyDevice(drive: Pick<Drive, 'device' | 'kind' | 'backingFile'>, sysBlock = '/sys/block'): DeviceIdentity {
  if (drive.kind === 'file') return { model: 'image file', serial: drive.device };
  const name = path.basename(drive.device);
  if (drive.kind === 'loop') {
    const backing = drive.backingFile ?? readSys(path.join(sysBlock, name, 'loop', 'backing_file'));
    return { model: 'loop device', ...(backing ? { serial: backing } : {}) };
  }
  const deviceDir = path.join(sysBlock, name, 'device');
  const vendor = readSys(path.join(deviceDir, 'vendor'));
  const model = readSys(path.join(deviceDir, 'model')) ?? readSys(path.join(deviceDir, 'name'));
  const serial = readSys(path.join(deviceDir, 'serial')) ?? serialAbove(deviceDir);
  const fullModel = [vendor, model].filter(Boolean).join(' ');
  return { ...(fullModel ? { model: fullModel } : {}), ...(serial ? { serial } : {}) };
}

/** A card as a retry or a bench session recognises it: serial, model and size (shared/domain/drive.ts). */
export function cardIdentity(drive: Drive): CardIdentity {
  return { ...identifyDevice(drive), size: drive.size };
}
