import { z } from 'zod';
import { ON_CARD_COMMAND_MAX, onCardSettingSchema } from '../domain/on-card';
import { defineRequests } from './define';

export const onCardRequests = defineRequests({
  /** The saved on-card command (run after each card the app or station writes), and whether this client may change it. */
  'on-card:get': { args: z.object({}).default({}), result: onCardSettingSchema },
  /** Saves it (null or empty: none). Refused (PERMISSION_DENIED) for a station's browser: only the desktop app sets it. */
  'on-card:set': { args: z.object({ command: z.string().max(ON_CARD_COMMAND_MAX).nullable() }), result: onCardSettingSchema },
});
