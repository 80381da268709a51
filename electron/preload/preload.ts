/**
 * Runs sandboxed in the renderer's process, before the page. Exposes exactly the API contract as
 * `window.fiot` (request channels checked against shared/contract.ts, events checked against its
 * event list) and the few desktop-only abilities as `window.fiotShell`. Never a raw ipcRenderer:
 * the page cannot send on any channel but ours.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { isChannel } from '../../shared/contract';
import { ipcNames, isEventName, type FiotBridge, type FiotShell } from '../../shared/bridge';
import type { Envelope } from '../../shared/result';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();

// One IPC subscription for all events, fanned out here, so the page cannot pile up ipc listeners.
ipcRenderer.on(ipcNames.event, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (!isEventName(name)) return;
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const bridge: FiotBridge = {
  invoke(channel, args) {
    if (!isChannel(channel)) {
      const refused: Envelope<never> = { ok: false, error: { code: 'USAGE', message: `Unknown request channel: ${String(channel)}` } };
      return Promise.resolve(refused);
    }
    return ipcRenderer.invoke(ipcNames.invoke, channel, args);
  },
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`Unknown event: ${String(event)}`);
    const set = listeners.get(event) ?? new Set<Listener>();
    listeners.set(event, set);
    const wrapped = listener as Listener;
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
    };
  },
};

const shell: FiotShell = {
  openImage: () => ipcRenderer.invoke(ipcNames.openImage),
  saveImage: () => ipcRenderer.invoke(ipcNames.saveImage),
  pathForFile: (file) => {
    const dropped = webUtils.getPathForFile(file);
    if (dropped) ipcRenderer.send(ipcNames.droppedFile, dropped);
    return dropped;
  },
  openExternal: (url) => ipcRenderer.invoke(ipcNames.openExternal, { url }),
};

contextBridge.exposeInMainWorld('fiot', bridge);
contextBridge.exposeInMainWorld('fiotShell', shell);
