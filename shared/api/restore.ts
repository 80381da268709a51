import { restoreRequestSchema, restoreResultSchema } from '../domain/restore';
import { defineRequests } from './define';

export const restoreRequests = defineRequests({
  /**
   * Erases a card and leaves one empty FAT32 (up to 32 GiB) or exFAT partition labelled as asked,
   * for normal use again. Refused for system and read-only drives like every write. Answers when
   * the card is done (seconds: only the partition table and filesystem structures are written).
   */
  'restore:start': { args: restoreRequestSchema, result: restoreResultSchema },
});
