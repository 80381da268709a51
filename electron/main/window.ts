/**
 * The one application window. The renderer is a local page (dist/renderer/index.html next to this
 * bundle's folder); it runs sandboxed with context isolation and no Node, and reaches the core only
 * through the preload's window.fiot.
 */
import { BrowserWindow } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

let mainWindow: BrowserWindow | null = null;

/** dist/electron/main.cjs → dist/renderer/index.html */
export const rendererIndex = path.join(__dirname, '..', 'renderer', 'index.html');
export const rendererUrl = pathToFileURL(rendererIndex).href;

export function getMainWindow(): BrowserWindow | null {
  return mainWindow;
}

export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1000,
    height: 720,
    minWidth: 900,
    minHeight: 650,
    title: 'Fedora IoT Flasher',
    show: false,
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(rendererUrl);
  mainWindow = window;
  return window;
}
