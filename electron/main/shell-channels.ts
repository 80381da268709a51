/**
 * Desktop-only requests the core cannot answer: the native file dialogs for choosing an image and
 * where to save an image file, and a file dropped on the window (each choice is granted to the
 * renderer in the core: it may then name that file or folder, and nothing else), and opening an
 * https link in the user's browser. Same sender check as the contract channels.
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
  // Sent by the preload only: it knows the path of a File the person really dropped.
  ipcMain.on(ipcNames.droppedFile, (event, file: unknown) => {
    if (isTrustedSender(event, getWindow()) && typeof file === 'string') grants.grantPickedFile(file);
  });
  ipcMain.handle(ipcNames.openExternal, (event, args: unknown) => {
    if (!isTrustedSender(event, getWindow())) return false;
    const parsed = openExternalArgs.safeParse(args);
    return parsed.success && openExternalChecked(parsed.data.url);
  });
}
