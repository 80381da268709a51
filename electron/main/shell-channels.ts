/**
 * Desktop-only requests the core cannot answer: the native file dialog for choosing an image, and
 * opening an https link in the user's browser. Same sender check as the contract channels.
 */
import { dialog, ipcMain, type BrowserWindow } from 'electron';
import { ipcNames, openExternalArgs } from '../../shared/bridge';
import { isTrustedSender } from './sender';
import { openExternalChecked } from './security';

const imageFilters = [
  { name: 'Disk images', extensions: ['raw', 'img', 'iso', 'xz', 'gz', 'bz2', 'zst', 'zip'] },
  { name: 'All files', extensions: ['*'] },
];

export function setupShellChannels(getWindow: () => BrowserWindow | null): void {
  ipcMain.handle(ipcNames.openImage, async (event) => {
    const window = getWindow();
    if (!window || !isTrustedSender(event, window)) return null;
    const choice = await dialog.showOpenDialog(window, { title: 'Choose a disk image', properties: ['openFile'], filters: imageFilters });
    return choice.canceled ? null : (choice.filePaths[0] ?? null);
  });
  ipcMain.handle(ipcNames.openExternal, (event, args: unknown) => {
    if (!isTrustedSender(event, getWindow())) return false;
    const parsed = openExternalArgs.safeParse(args);
    return parsed.success && openExternalChecked(parsed.data.url);
  });
}
