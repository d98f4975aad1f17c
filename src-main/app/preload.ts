/**
 * The preload exposes one object of named functions to the renderer (never raw ipcRenderer).
 * The typed API contract arrives with the app backbone; for now it names the app and its version.
 */
import { contextBridge } from 'electron';

const api = {
  product: 'Spinscope',
  platform: process.platform,
};

contextBridge.exposeInMainWorld('spinscope', api);
