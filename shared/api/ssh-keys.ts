import { z } from 'zod';
import { defineRequests } from './define';

export const sshKeysRequests = defineRequests({
  /** The public keys in ~/.ssh/*.pub of the user running the core (the desktop app only). */
  'ssh-keys:local': {
    args: z.object({}),
    result: z.object({ keys: z.array(z.object({ file: z.string(), key: z.string() })) }),
  },
  /** Public keys published at an https URL, one per line (GitHub-style https://github.com/<user>.keys). */
  'ssh-keys:fetch': {
    args: z.object({ url: z.string().min(1).max(2048) }),
    result: z.object({ keys: z.array(z.string()), skipped: z.number().int().nonnegative() }),
  },
});

/**
 * Channels that read the computer the core runs on. A station's browser may be on another machine,
 * where "your keys" would silently be the station's, so the station refuses them.
 */
export const desktopOnlyChannels: ReadonlySet<string> = new Set(['ssh-keys:local']);
