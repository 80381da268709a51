/**
 * Desktop-only requests the core cannot answer: the native file dialogs for choosing an image and
 * where to save an image file (each choice is granted to the renderer in the core: the renderer
 * may then name that file or folder, and nothing else), and opening an https link in the user's
 * browser. Same sender check as the contract channels.
 */
import path from 'node:path';
import { dialog, ipcMain, type BrowserWindow } from 'electron';
import { ipcNames, openExternalArgs } from '../../shared/bridge';
import type { ClientGrants } from '../core/access/client-grants';
import { isTrustedSender } from './sender';
import { openExternalChecked } from './security';

const imageFilters = [
  { name: 'Disk images', extensions: ['raw', 'img', 'iso', 'xz', 'gz', 'bz2', 'zst', 'zip'] },
  { name: 'All files', extensions: ['*'] },
];

export function setupShellChannels(grants: ClientGrants, getWindow: () => BrowserWindow | null): void {
  ipcMain.handle(ipcNames.openImage, async (event) => {
    const window = getWindow();
    if (!window || !isTrustedSender(event, window)) return null;
    const choice = await dialog.showOpenDialog(window, { title: 'Choose a disk image', properties: ['openFile'], filters: imageFilters });
    const file = choice.canceled ? null : (choice.filePaths[0] ?? null);
    if (file) grants.grantPickedFile(file);
    return file;
  });
  ipcMain.handle(ipcNames.saveImage, async (event) => {
    const window = getWindow();
    if (!window || !isTrustedSender(event, window)) return null;
    const choice = await dialog.showSaveDialog(window, { title: 'Save the image as a file', defaultPath: 'fedora-iot.img', properties: ['createDirectory', 'showOverwriteConfirmation'] });
    if (choice.canceled || !choice.filePath) return null;
    grants.grantTargetFolder(path.dirname(choice.filePath));
    return choice.filePath;
  });
  ipcMain.handle(ipcNames.openExternal, (event, args: unknown) => {
    if (!isTrustedSender(event, getWindow())) return false;
    const parsed = openExternalArgs.safeParse(args);
    return parsed.success && openExternalChecked(parsed.data.url);
  });
}
