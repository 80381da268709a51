/**
 * The one place IPC senders are checked: a request counts only when it comes from the main frame
 * of our own window showing our own page. Anything else (a subframe, another window, a page that
 * somehow navigated away) is refused before its payload is looked at.
 */
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { rendererUrl } from './window';

export function isTrustedSender(event: IpcMainInvokeEvent, window: BrowserWindow | null): boolean {
  if (!window || window.isDestroyed()) return false;
  if (event.sender !== window.webContents) return false;
  const frame = event.senderFrame;
  if (!frame || frame !== window.webContents.mainFrame) return false;
  return frame.url.split(/[?#]/)[0] === rendererUrl;
}
