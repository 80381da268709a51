/** The on-card command setting over the router (electron/core/hooks/on-card-setting.ts). */
import { FiotError } from '../../../shared/errors';
import type { HandlerFactory } from '../core-context';
import { readOnCardCommand, saveOnCardCommand } from '../hooks/on-card-setting';

export const onCardHandlers: HandlerFactory = (ctx) => ({
  'on-card:get': async () => ({ command: await readOnCardCommand(ctx.config.configDir), editable: ctx.onCardEditable }),
  'on-card:set': async ({ command }) => {
    if (!ctx.onCardEditable) {
      throw new FiotError('PERMISSION_DENIED', 'The on-card command can be changed only in the desktop app on this machine, not from a browser.', 'Set it in the app, or start the station on a machine where it is already set.');
    }
    await saveOnCardCommand(ctx.config.configDir, command);
    return { command: await readOnCardCommand(ctx.config.configDir), editable: true };
  },
});
