/**
 * What crosses Electron's contextBridge. The preload exposes the contract as `window.fiot` and
 * returns envelopes rather than throwing: contextBridge drops an Error's own fields (code, hint),
 * and errors travel as data everywhere else too (the station's WebSocket carries the same
 * envelopes). renderer/src/api.ts turns either transport into the one FiotApi.
 *
 * `window.fiotShell` holds what only a desktop window can do (a native file dialog, the path of a
 * dropped file, opening a link in the user's browser); the station has no equivalent.
 */
import { z } from 'zod';
import { events, type Channel, type EventName, type EventPayload, type ArgsOf, type ResultOf } from './contract';
import type { Envelope } from './result';

/** The IPC channel names the preload and main agree on (not contract channels). */
export const ipcNames = {
  invoke: 'fiot:invoke',
  event: 'fiot:event',
  openImage: 'dialog:open-image',
  saveImage: 'dialog:save-image',
  droppedFile: 'dialog:dropped-file',
  openExternal: 'shell:open-external',
} as const;

export interface FiotBridge {
  invoke<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<Envelope<ResultOf<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export interface FiotShell {
  /** Shows the native open dialog; the chosen path, or null when the user cancels. */
  openImage(): Promise<string | null>;
  /** Shows the native save dialog for an image file to write; the chosen path, or null. */
  saveImage(): Promise<string | null>;
  /**
   * The local path of a file dropped on the window (Electron only; browsers hide it). The preload
   * also tells the main process, which grants that one file: only a real dropped File has a path,
   * so the renderer cannot make up one.
   */
  pathForFile(file: File): string;
  /** Opens an https link in the user's browser; false when the link was refused. */
  openExternal(url: string): Promise<boolean>;
}

export const openExternalArgs = z.object({ url: z.string().max(2048) });

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}

/** Only plain https links leave the app; anything else (file:, javascript:, http:) is refused. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}
