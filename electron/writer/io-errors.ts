/** System errors from a target, in the words a person reads (shared/errors.ts codes). */
import { existsSync } from 'node:fs';
import { FiotError } from '../../shared/errors';

export function classifyIoError(error: unknown, device: string): FiotError {
  if (error instanceof FiotError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const detail = (error as Error).message ?? String(error);
  switch (code) {
    case 'ENOENT':
    case 'ENODEV':
    case 'ENXIO':
    case 'EUNPLUGGED':
      return new FiotError('TARGET_GONE', `${device} disappeared while it was being written (${code}).`);
    case 'EBUSY':
      return new FiotError('TARGET_BUSY', `${device} is in use by another program or mounted.`);
    case 'EROFS':
      return new FiotError('TARGET_READ_ONLY', `${device} is read-only.`);
    case 'EACCES':
    case 'EPERM':
      return new FiotError('PERMISSION_DENIED', `Not allowed to write ${device} (${code}).`);
    case 'ENOSPC':
      return new FiotError('TARGET_TOO_SMALL', `${device} ran out of space while writing.`);
    case 'EIO':
      // An I/O error on a device that no longer exists is a card pulled out, not a bad card.
      if (!existsSync(device)) return new FiotError('TARGET_GONE', `${device} disappeared while it was being written.`);
      return new FiotError('WRITE_FAILED', `${device} reported an I/O error: ${detail}`);
    default:
      return new FiotError('WRITE_FAILED', `${device}: ${detail}`);
  }
}
