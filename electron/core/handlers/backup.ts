/**
 * "Save a card as an image" over the router: only a drive the core listed, and an image file in
 * a folder the person chose (the desktop's save dialog) or, given a bare file name, the station's
 * images folder.
 */
import path from 'node:path';
import { FiotError } from '../../../shared/errors';
import { backupCard } from '../backup/backup-card';
import type { HandlerFactory } from '../core-context';

export const backupHandlers: HandlerFactory = ({ grants }) => ({
  'backup:start': async ({ device, output, clearIdentity }) => {
    grants.admitTargets([device]);
    let file = output;
    if (path.basename(output) === output) {
      if (!grants.uploadFolder) throw new FiotError('INVALID_INPUT', `Say where to save ${output}.`, 'Choose the file with “Save as…”.');
      file = path.join(grants.uploadFolder, output);
    }
    grants.admitTargetPath(file);
    return backupCard({ device, output: file, clearIdentity });
  },
});
