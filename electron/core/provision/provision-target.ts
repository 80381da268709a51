/**
 * Provision a target named by path (an image file or a block device this process may open):
 * what `fiot-flash provision` and the provision:apply channel do. Errors opening the target
 * become the error a person can act on.
 */
import { FiotError } from '../../../shared/errors';
import type { ProvisioningPlan } from '../../../shared/provisioning';
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
