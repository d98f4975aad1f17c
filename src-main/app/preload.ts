/**
 * The preload exposes one object to the renderer (never raw ipcRenderer): a named async function
 * per contract method (`spinscope.api['projects.open']({dir})`), a generic `invoke(method, args)`
 * restricted to the same methods, subscriptions to server events and menu commands, and the path of
 * a file dropped on the page (Electron no longer puts it on File; the import view needs it).
 * Bundled as CommonJS (sandboxed preloads cannot load ES modules).
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { METHOD_NAMES } from '../api/methods.ts';

const API_CHANNEL = 'spinscope:api';
const EVENT_CHANNEL = 'spinscope:event';
const MENU_CHANNEL = 'spinscope:menu';

const allowed = new Set<string>(METHOD_NAMES);

function invoke(method: string, args: unknown): Promise<unknown> {
  if (!allowed.has(method)) {
    return Promise.resolve({
      ok: false,
      error: { code: 'bad-request', message: `unknown method ${JSON.stringify(method)}` },
    });
  }
  return ipcRenderer.invoke(API_CHANNEL, method, args) as Promise<unknown>;
}

function subscribe(channel: string, listener: (payload: unknown) => void): () => void {
  const wrapped = (_event: unknown, payload: unknown): void => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

const api: Record<string, (args?: unknown) => Promise<unknown>> = {};
for (const m of METHOD_NAMES) api[m] = (args?: unknown) => invoke(m, args ?? {});

contextBridge.exposeInMainWorld('spinscope', {
  product: 'Spinscope',
  platform: process.platform,
  api,
  invoke,
  onEvent: (listener: (e: unknown) => void) => subscribe(EVENT_CHANNEL, listener),
  onMenu: (listener: (e: unknown) => void) => subscribe(MENU_CHANNEL, listener),
  pathForFile: (file: File): string => webUtils.getPathForFile(file),
});
