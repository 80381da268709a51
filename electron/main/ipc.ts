/**
 * The IPC adapter: a thin skin over the core router (the station's WebSocket is the other). The
 * router validates every payload against the contract; this file only checks who is asking and
 * forwards pushed events to the window.
 */
import { ipcMain, type BrowserWindow } from 'electron';
import type { Core } from '../core/app-core';
import { ipcNames } from '../../shared/bridge';
import type { Envelope } from '../../shared/result';
import { isTrustedSender } from './sender';

const refused: Envelope<never> = {
  ok: false,
  error: { code: 'PERMISSION_DENIED', message: 'This request did not come from the app’s own window.', hint: 'Restart the app.' },
};

export function setupIpc(core: Core, getWindow: () => BrowserWindow | null): void {
  ipcMain.handle(ipcNames.invoke, (event, channel: unknown, args: unknown) => {
    if (!isTrustedSender(event, getWindow())) return refused;
    return core.router.handle(channel, args);
  });
  core.events.subscribe((name, payload) => {
    const window = getWindow();
    if (window && !window.isDestroyed()) window.webContents.send(ipcNames.event, name, payload);
  });
}
