/**
 * A recording stand-in for `electron` (the Electron binary cannot be downloaded on our build
 * machines; vitest.config.ts aliases `electron` to this file). It does nothing real: it remembers
 * what the app created and installed, so tests can inspect it through `electronMock`, and lets tests
 * choose what dialogs answer. Import it as '../../mocks/electron.ts' to reach the recording side;
 * it is the same module instance the app gets for 'electron'.
 *
 * Only what the app uses is here; add to it when the app uses more.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- stands in for Electron's many signatures */
type Listener = (...args: any[]) => unknown;

class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>();

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  once(event: string, listener: Listener): this {
    const wrapped: Listener = (...args) => {
      this.off(event, wrapped);
      return listener(...args);
    };
    return this.on(event, wrapped);
  }

  off(event: string, listener: Listener): this {
    this.listeners.set(
      event,
      (this.listeners.get(event) ?? []).filter((l) => l !== listener),
    );
    return this;
  }

  emit(event: string, ...args: unknown[]): boolean {
    const listeners = this.listeners.get(event) ?? [];
    for (const listener of listeners) listener(...args);
    return listeners.length > 0;
  }

  listenerCount(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

/** An event whose default can be prevented, as Electron passes to 'close', 'will-navigate', ... */
export function fakeEvent(): { defaultPrevented: boolean; preventDefault(): void } {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class FakeWebContents extends FakeEmitter {
  windowOpenHandler: ((details: { url: string }) => unknown) | undefined;
  /** Every webContents.send(channel, ...args), in order. */
  readonly sent: { channel: string; args: unknown[] }[] = [];

  /** True while the page loads; then send() should wait for 'did-finish-load'. */
  loading = false;

  isLoading(): boolean {
    return this.loading;
  }

  /** Ends a load started by loadFile / loadURL, as Electron does. */
  finishLoad(): void {
    this.loading = false;
    this.emit('did-finish-load');
  }

  setWindowOpenHandler(handler: (details: { url: string }) => unknown): void {
    this.windowOpenHandler = handler;
  }

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
}

export class BrowserWindow extends FakeEmitter {
  readonly webContents = new FakeWebContents();
  /** Files and URLs passed to loadFile / loadURL. */
  readonly loaded: string[] = [];
  bounds: Bounds;
  maximized = false;
  shown = false;
  destroyed = false;

  constructor(readonly options: Record<string, any> = {}) {
    super();
    this.bounds = {
      x: options.x ?? 100,
      y: options.y ?? 100,
      width: options.width ?? 800,
      height: options.height ?? 600,
    };
    electronMock.windows.push(this);
  }

  loadFile(file: string): Promise<void> {
    this.loaded.push(file);
    this.webContents.loading = true;
    return Promise.resolve();
  }

  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    this.webContents.loading = true;
    return Promise.resolve();
  }

  show(): void {
    this.shown = true;
  }

  maximize(): void {
    this.maximized = true;
  }

  isMaximized(): boolean {
    return this.maximized;
  }

  getBounds(): Bounds {
    return { ...this.bounds };
  }

  getNormalBounds(): Bounds {
    return { ...this.bounds };
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Closes as Electron does: 'close' (preventable), then 'closed'. */
  close(): void {
    const event = fakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroyed = true;
    this.emit('closed');
  }

  static getAllWindows(): BrowserWindow[] {
    return electronMock.windows.filter((w) => !w.destroyed);
  }

  static getFocusedWindow(): BrowserWindow | null {
    return BrowserWindow.getAllWindows()[0] ?? null;
  }
}

class FakeWebRequest {
  beforeRequest: Listener | undefined;
  headersReceived: Listener | undefined;

  /** (listener) or (filter, listener); like Electron, a new listener replaces the old one. */
  onBeforeRequest(...args: unknown[]): void {
    this.beforeRequest = args.at(-1) as Listener;
  }

  onHeadersReceived(...args: unknown[]): void {
    this.headersReceived = args.at(-1) as Listener;
  }
}

export class FakeSession {
  permissionRequestHandler: Listener | undefined;
  permissionCheckHandler: Listener | undefined;
  devicePermissionHandler: Listener | undefined;
  readonly webRequest = new FakeWebRequest();

  setPermissionRequestHandler(handler: Listener): void {
    this.permissionRequestHandler = handler;
  }

  setPermissionCheckHandler(handler: Listener): void {
    this.permissionCheckHandler = handler;
  }

  setDevicePermissionHandler(handler: Listener): void {
    this.devicePermissionHandler = handler;
  }
}

class FakeApp extends FakeEmitter {
  isPackaged = false;
  sandboxEnabled = false;
  quitCalls = 0;
  /** What app.getPath('userData') answers; tests point it at a temporary folder. */
  userData = '/tmp/spinscope-test';

  whenReady(): Promise<void> {
    return Promise.resolve();
  }

  enableSandbox(): void {
    this.sandboxEnabled = true;
  }

  quit(): void {
    this.quitCalls += 1;
  }

  getPath(name: string): string {
    return name === 'userData' ? this.userData : `/tmp/spinscope-test/${name}`;
  }

  getVersion(): string {
    return '0.1.0';
  }

  getName(): string {
    return 'spinscope';
  }
}

type DialogAnswer<T> = T | Error;

export interface DialogCall {
  method: 'showOpenDialog' | 'showSaveDialog' | 'showMessageBox';
  parent: BrowserWindow | undefined;
  options: Record<string, any>;
}

/** dialog.showX(options) or dialog.showX(parent, options): returns [parent, options]. */
function dialogArgs(args: unknown[]): [BrowserWindow | undefined, Record<string, any>] {
  return args.length >= 2
    ? [args[0] as BrowserWindow, args[1] as Record<string, any>]
    : [undefined, args[0] as Record<string, any>];
}

function answer<T>(value: DialogAnswer<T>): Promise<T> {
  return value instanceof Error ? Promise.reject(value) : Promise.resolve(value);
}

export const electronMock = {
  windows: [] as BrowserWindow[],
  applicationMenu: null as { template: any[] } | null,
  dialogCalls: [] as DialogCall[],
  /** What the next open dialog answers (an Error makes it reject). */
  openDialogAnswer: { canceled: true, filePaths: [] } as DialogAnswer<{
    canceled: boolean;
    filePaths: string[];
  }>,
  saveDialogAnswer: { canceled: true, filePath: '' } as DialogAnswer<{ canceled: boolean; filePath: string }>,
  displays: [{ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1050 } }],
  openedExternally: [] as string[],
  exposedInMainWorld: {} as Record<string, unknown>,
  ipcHandlers: new Map<string, Listener>(),
};

export const app = new FakeApp();
export const session = { defaultSession: new FakeSession() };

export const Menu = {
  buildFromTemplate(template: any[]): { template: any[] } {
    return { template };
  },
  setApplicationMenu(menu: { template: any[] } | null): void {
    electronMock.applicationMenu = menu;
  },
  getApplicationMenu(): { template: any[] } | null {
    return electronMock.applicationMenu;
  },
};

export const dialog = {
  showOpenDialog(...args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> {
    const [parent, options] = dialogArgs(args);
    electronMock.dialogCalls.push({ method: 'showOpenDialog', parent, options });
    return answer(electronMock.openDialogAnswer);
  },
  showSaveDialog(...args: unknown[]): Promise<{ canceled: boolean; filePath: string }> {
    const [parent, options] = dialogArgs(args);
    electronMock.dialogCalls.push({ method: 'showSaveDialog', parent, options });
    return answer(electronMock.saveDialogAnswer);
  },
  showMessageBox(...args: unknown[]): Promise<{ response: number; checkboxChecked: boolean }> {
    const [parent, options] = dialogArgs(args);
    electronMock.dialogCalls.push({ method: 'showMessageBox', parent, options });
    return Promise.resolve({ response: 0, checkboxChecked: false });
  },
};

export const screen = {
  getPrimaryDisplay: () => electronMock.displays[0],
  getAllDisplays: () => electronMock.displays,
};

export const shell = {
  openExternal(url: string): Promise<void> {
    electronMock.openedExternally.push(url);
    return Promise.resolve();
  },
};

export const contextBridge = {
  exposeInMainWorld(key: string, api: unknown): void {
    electronMock.exposedInMainWorld[key] = api;
  },
};

/** webUtils.getPathForFile: the mock reads the path a test put on the File-like object. */
export const webUtils = {
  getPathForFile(file: { mockPath?: string }): string {
    return file.mockPath ?? '';
  },
};

export const ipcMain = {
  handle(channel: string, listener: Listener): void {
    electronMock.ipcHandlers.set(channel, listener);
  },
  removeHandler(channel: string): void {
    electronMock.ipcHandlers.delete(channel);
  },
};

/** Renderer-side IPC for preload tests: records invocations and lets tests emit to listeners. */
export const ipcRenderer = {
  invocations: [] as { channel: string; args: unknown[] }[],
  listeners: new Map<string, Set<Listener>>(),
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invocations.push({ channel, args });
    return Promise.resolve({ ok: true, value: { channel, args } });
  },
  on(channel: string, listener: Listener): void {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)!.add(listener);
  },
  removeListener(channel: string, listener: Listener): void {
    this.listeners.get(channel)?.delete(listener);
  },
  emit(channel: string, payload: unknown): void {
    for (const l of this.listeners.get(channel) ?? []) l({}, payload);
  },
};

/** Utility processes are never started in tests: fork records the request and returns an inert process. */
export const utilityProcess = {
  forks: [] as { modulePath: string; options: unknown }[],
  fork(modulePath: string, _args: string[] = [], options: unknown = {}) {
    this.forks.push({ modulePath, options });
    return {
      pid: undefined,
      stdout: null,
      stderr: null,
      on(): void {},
      postMessage(): void {},
      kill(): boolean {
        return true;
      },
    };
  },
};

export default {
  app,
  BrowserWindow,
  contextBridge,
  webUtils,
  dialog,
  ipcMain,
  ipcRenderer,
  Menu,
  screen,
  session,
  shell,
  utilityProcess,
};
