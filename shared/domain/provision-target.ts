/**
 * Whether a card (or image file) that already holds an image may be provisioned in place: the
 * core checks it before asking for any permission, and the writer checks it again itself.
 */
import { isReadOnly, isSystemDrive } from '../drive-constraints';
import { FiotError } from '../errors';
import type { Drive } from './drive';

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
