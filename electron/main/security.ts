/**
 * Rules for every web contents the app ever creates: no navigation away from our page, no new
 * windows (https links go to the user's browser through the check in shared/bridge.ts), no
 * webviews, no permission prompts, and a strict Content-Security-Policy on every response.
 */
import { app, session, shell } from 'electron';
import { isSafeExternalUrl } from '../../shared/bridge';
import { contentSecurityPolicy } from '../../shared/content-security-policy';

export function openExternalChecked(url: string): boolean {
  if (!isSafeExternalUrl(url)) return false;
  void shell.openExternal(url);
  return true;
}

export function setupSecurity(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } });
  });
  // Drives are chosen in the app, never through web permissions (USB, serial, notifications...).
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      openExternalChecked(url);
      return { action: 'deny' };
    });
  });
}
