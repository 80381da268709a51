/**
 * The recorder every front end hands the flash job (electron/core/flash/job.ts `onFinished`): the
 * CLI, and through the flash handlers the station and the desktop app, so each card is logged once.
 */
import { FiotError } from '../../../shared/errors';
import { identifyDevice } from '../drives/device-identity';
import { appendEntries } from './flash-log';
import { entriesFromFlash, type FinishedFlash } from './flash-entries';

export function flashRecorder(configDir: string): (finished: FinishedFlash) => Promise<void> {
  return async (finished) => {
    try {
      const identities = Object.fromEntries(finished.drives.map((drive) => [drive.device, identifyDevice(drive)]));
      await appendEntries(configDir, entriesFromFlash(finished, new Date(), identities));
    } catch (error) {
      // A log that cannot be written (full disk, read-only home) must not turn a verified card
      // into a failed flash; the job's result says so (notSaved), and a bench session stops.
      throw new FiotError('STATE_NOT_SAVED', `The flash history could not be written in ${configDir}: ${(error as Error).message}`);
    }
  };
}
