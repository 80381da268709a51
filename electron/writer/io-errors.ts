/** System errors from a target, in the words a person reads (shared/errors.ts codes). */
import { existsSync } from 'node:fs';
import { FiotError } from '../../shared/errors';
import { formatSize } from '../../shared/format-size';

/** Where a failed write was aimed, on a device that claims `claimedSize` bytes and took `accepted` before. */
export interface FailedWrite {
  offset: number;
  accepted: number;
  claimedSize: number | null;
}

/**
 * A device that runs out of space or fails to write inside the size it claims is not too small:
 * it lies about its size (a counterfeit card, whose controller wraps or drops writes past its real
 * capacity) or its flash is failing. Either way it must not be used.
 */
function counterfeitOrFailing(device: string, write: FailedWrite | undefined): FiotError | null {
  if (!write || write.claimedSize === null || write.offset >= write.claimedSize) return null;
  return counterfeitError(device, write.accepted, write.claimedSize);
}

export function counterfeitError(device: string, accepted: number, claimedSize: number): FiotError {
  return new FiotError('TARGET_COUNTERFEIT', `${device} is probably counterfeit or failing: it accepted about ${formatSize(accepted)} of its claimed ${formatSize(claimedSize)}.`);
}

export function classifyIoError(error: unknown, device: string, write?: FailedWrite): FiotError {
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
      return counterfeitOrFailing(device, write) ?? new FiotError('TARGET_TOO_SMALL', `${device} ran out of space while writing.`);
    case 'EIO':
      // An I/O error on a device that no longer exists is a card pulled out, not a bad card.
      if (!existsSync(device)) return new FiotError('TARGET_GONE', `${device} disappeared while it was being written.`);
      return counterfeitOrFailing(device, write) ?? new FiotError('WRITE_FAILED', `${device} reported an I/O error: ${detail}`);
    default:
      return new FiotError('WRITE_FAILED', `${device}: ${detail}`);
  }
}
