/**
 * A stand-in for the `electron` module, good enough to load our bundled main and preload in plain
 * Node where no Electron binary can be downloaded: it records the window's options, the IPC
 * handlers, the security hooks and what the preload exposes, so tests can drive them.
 */
import Module from 'node:module';

type Fn = (...args: never[]) => unknown;

export class FakeWebContents {
  readonly listeners = new Map<string, Fn>();
  readonly sent: unknown[][] = [];
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  mainFrame = { url: '' };
  on(event: string, listener: Fn) {
    this.listeners.set(event, listener);
  }
  send(...args: unknown[]) {
    this.sent.push(args);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.openHandler = handler;
  }
}

export interface FakeElectron {
  module: Record<string, unknown>;
  windows: Array<{ options: Record<string, unknown>; webContents: FakeWebContents; url: string }>;
  ipcHandlers: Map<string, Fn>;
  /** Main-side listeners of one-way messages (ipcMain.on). */
  ipcListeners: Map<string, Fn>;
  /** One-way messages the preload sent (ipcRenderer.send). */
  rendererSent: unknown[][];
  rendererListeners: Map<string, Fn>;
  rendererInvocations: unknown[][];
  exposed: Record<string, unknown>;
  opened: string[];
  headersHook: ((details: { responseHeaders: Record<string, string[]> }, callback: (answer: { responseHeaders: Record<string, string[]> }) => void) => void) | null;
  ready: Promise<void>;
}

export function createFakeElectron(): FakeElectron {
  const appListeners = new Map<string, Fn>();
  let markReady: () => void = () => undefined;
  const fake: FakeElectron = {
    module: {},
    windows: [],
    ipcHandlers: new Map(),
    ipcListeners: new Map(),
    rendererSent: [],
    rendererListeners: new Map(),
    rendererInvocations: [],
    exposed: {},
    opened: [],
    headersHook: null,
    ready: new Promise((resolve) => (markReady = resolve)),
  };

  class BrowserWindow {
    readonly webContents = new FakeWebContents();
    readonly record: FakeElectron['windows'][number];
    constructor(options: Record<string, unknown>) {
      this.record = { options, webContents: this.webContents, url: '' };
      fake.windows.push(this.record);
      (appListeners.get('web-contents-created') as ((e: unknown, c: FakeWebContents) => void) | undefined)?.({}, this.webContents);
    }
    static getAllWindows() {
      return fake.windows;
    }
    once() {}
    on() {}
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    loadURL(url: string) {
      this.record.url = url;
      this.webContents.mainFrame.url = url;
      setImmediate(markReady);
      return Promise.resolve();
    }
  }

  fake.module = {
    app: {
      requestSingleInstanceLock: () => true,
      on: (event: string, listener: Fn) => appListeners.set(event, listener),
      whenReady: () => Promise.resolve(),
      quit: () => undefined,
    },
    BrowserWindow,
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (hook: FakeElectron['headersHook']) => (fake.headersHook = hook) },
        setPermissionRequestHandler: () => undefined,
        setPermissionCheckHandler: () => undefined,
      },
    },
    shell: { openExternal: async (url: string) => void fake.opened.push(url) },
    dialog: { showOpenDialog: async () => ({ canceled: false, filePaths: ['/home/me/picked.raw.xz'] }) },
    ipcMain: { handle: (channel: string, handler: Fn) => fake.ipcHandlers.set(channel, handler), on: (channel: string, listener: Fn) => fake.ipcListeners.set(channel, listener) },
    ipcRenderer: {
      on: (channel: string, listener: Fn) => fake.rendererListeners.set(channel, listener),
      send: (...args: unknown[]) => fake.rendererSent.push(args),
      invoke: async (...args: unknown[]) => {
        fake.rendererInvocations.push(args);
        return { ok: true, value: { echoed: args } };
      },
    },
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (fake.exposed[key] = value) },
    webUtils: { getPathForFile: (file: { name: string }) => `/dropped/${file.name}` },
  };
  return fake;
}

/** Requires a CommonJS bundle with `require('electron')` answered by the fake. */
export function requireWithFakeElectron(file: string, fake: FakeElectron): void {
  const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const original = loader._load;
  loader._load = function (request, parent, isMain) {
    return request === 'electron' ? fake.module : original.call(this, request, parent, isMain);
  };
  try {
    Module.createRequire(import.meta.url)(file);
  } finally {
    loader._load = original;
  }
}
