/**
 * The Electron main process: lifecycle only. Each concern lives in its own module with one
 * setupX() call here: security rules for every web contents, the window, the IPC adapter over the
 * core router, and the desktop-only dialogs.
 */
import { app, BrowserWindow, dialog } from 'electron';
import { toErrorInfo } from '../../shared/errors';
import { createCore } from '../core/app-core';
import { setupSecurity } from './security';
import { createMainWindow, getMainWindow } from './window';
import { setupIpc } from './ipc';
import { setupShellChannels } from './shell-channels';
import { setupWriterEntry } from './writer-entry';

// A second instance would race the first for the same drives: hand over to the running one.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const window = getMainWindow();
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });

  app.on('window-all-closed', () => app.quit());

  void app.whenReady().then(() => {
    setupWriterEntry();
    // The window is the core's one client here, so it may set the on-card command (a station's browser may not).
    const core = createCore(undefined, { onCardEditable: true });
    setupSecurity();
    setupIpc(core, getMainWindow);
    setupShellChannels(core.grants, getMainWindow);
    createMainWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createMainWindow();
    });
  }).catch((error: unknown) => {
    // A refusal before any window (a settings folder others may write) must still reach the person.
    const info = toErrorInfo(error);
    dialog.showErrorBox('Fedora IoT Flasher cannot start', `${info.message}\n\n${info.hint ?? ''}`.trim());
    app.quit();
  });
}
