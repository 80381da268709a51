import { backupRequestSchema, backupResultSchema } from '../domain/backup';
import { defineRequests } from './define';

export const backupRequests = defineRequests({
  /**
   * Saves a card the core listed as an .xz image (electron/core/backup/backup-card.ts). `output` is
   * a path in a folder the person chose (the desktop's save dialog) or, on a station, a file name
   * for its images folder. Answers when the image is saved (a minute or so for a Fedora IoT card).
   */
  'backup:start': { args: backupRequestSchema, result: backupResultSchema },
});
