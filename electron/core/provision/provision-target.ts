/**
 * Provision a target named by path (an image file or a block device this process may open):
 * what `fiot-flash provision` and the provision:apply channel do. The same refusals as the
 * writer's (system, read-only) plus mounted targets, before a byte is written; errors opening the
 * target become the error a person can act on.
 */
import type { Drive } from '../../../shared/domain/drive';
import { isReadOnly, isSystemDrive } from '../../../shared/drive-constraints';
import { FiotError } from '../../../shared/errors';
import type { ProvisioningPlan } from '../../../shared/provisioning';
import { resolveTarget } from '../drives/resolve-target';
import { openBlockIO, type OpenBlockIO } from './file-io';
import { injectProvisioning, type InjectResult } from './inject';

async function open(device: string, size: number): Promise<OpenBlockIO> {
  try {
    return await openBlockIO(device, size);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new FiotError('PERMISSION_DENIED', `Opening ${device} for writing was refused.`);
    if (code === 'ENOENT' || code === 'ENXIO') throw new FiotError('TARGET_NOT_FOUND', `${device} is not there.`);
    if (code === 'EROFS') throw new FiotError('TARGET_READ_ONLY', `${device} is read-only.`);
    if (code === 'EBUSY') throw new FiotError('TARGET_BUSY', `${device} is in use.`);
    throw error;
  }
}

export async function provisionTarget(device: string, size: number, plan: ProvisioningPlan): Promise<InjectResult> {
  const io = await open(device, size);
  try {
    const result = await injectProvisioning(io, plan);
    // On a card, "done" must mean on the card, not in the page cache.
    await io.sync();
    return result;
  } finally {
    await io.close();
  }
}

/** The target's size when it may be provisioned; throws the reason when it may not. */
export function checkProvisionTarget(drive: Drive): number {
  if (isSystemDrive(drive)) throw new FiotError('TARGET_SYSTEM', `${drive.device} is a system drive; it is never provisioned.`);
  if (drive.kind === 'file' && drive.size === null) throw new FiotError('TARGET_NOT_FOUND', `${drive.device} does not exist.`, 'Name an image file that holds a Fedora IoT image, or a card written with one.');
  if (isReadOnly(drive)) throw new FiotError('TARGET_READ_ONLY', `${drive.device} is read-only.`);
  if (drive.mountpoints.length) {
    throw new FiotError('TARGET_BUSY', `${drive.device} is mounted at ${drive.mountpoints.join(', ')}.`, 'Unmount it (e.g. `udisksctl unmount`), then try again: writing under a mounted filesystem would corrupt it.');
  }
  if (!drive.size) throw new FiotError('TARGET_NOT_FOUND', `${drive.device} reports no size.`);
  return drive.size;
}

/** Resolve a path named by a person, check it, and provision it. */
export async function provisionPath(target: string, plan: ProvisioningPlan): Promise<InjectResult & { device: string }> {
  const drive = await resolveTarget(target);
  const size = checkProvisionTarget(drive);
  return { ...(await provisionTarget(drive.device, size, plan)), device: drive.device };
}
