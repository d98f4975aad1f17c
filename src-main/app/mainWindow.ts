/**
 * The one application window: secure renderer settings, the navigation policy, and the size and
 * place it had when it was last closed.
 */
import {
  BrowserWindow,
  screen,
  shell,
  type BrowserWindowConstructorOptions,
  type WebPreferences,
} from 'electron';
import { applyNavigationPolicy } from './navigationPolicy.ts';
import { fitToDisplays, readWindowState, rememberWindowState, type WindowState } from './windowState.ts';

/** The renderer's isolation (architecture.md, "Renderer"): one decision per line. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    // The bundled CommonJS preload: the page's only door to the app (named functions, no ipcRenderer).
    preload,
    // Chromium's OS sandbox around the renderer process.
    sandbox: true,
    // The preload runs in its own JavaScript world; only contextBridge crosses to the page.
    contextIsolation: true,
    // No require() and no process object in the page, its workers or its frames.
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    // Same-origin policy on, and no http:// content inside the app's pages.
    webSecurity: true,
    allowRunningInsecureContent: false,
    // No <webview> tags (they would embed other pages).
    webviewTag: false,
  };
}

export function mainWindowOptions(state: WindowState, preload: string): BrowserWindowConstructorOptions {
  const { x, y, width, height } = state;
  return {
    ...(x !== undefined && y !== undefined ? { x, y } : {}),
    width,
    height,
    title: 'Spinscope',
    // Shown at 'ready-to-show', so the user never sees an empty white window.
    show: false,
    webPreferences: secureWebPreferences(preload),
  };
}

export interface MainWindowPaths {
  preload: string;
  /** out/renderer/index.html, loaded unless `devServer` is set. */
  rendererIndex: string;
  /** ELECTRON_RENDERER_URL under `npm run dev`. */
  devServer: string | undefined;
  /** Where the window's bounds are remembered (windowState.ts). */
  stateFile: string;
}

export function createMainWindow(paths: MainWindowPaths): BrowserWindow {
  // The primary display first: fitToDisplays falls back to it when the old monitor is gone.
  const displays = [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((d) => d.workArea);
  const state = fitToDisplays(readWindowState(paths.stateFile), displays);
  const win = new BrowserWindow(mainWindowOptions(state, paths.preload));
  applyNavigationPolicy(win.webContents, (url) => void shell.openExternal(url));
  rememberWindowState(win, paths.stateFile);
  win.once('ready-to-show', () => {
    if (state.maximized) win.maximize();
    win.show();
  });
  if (paths.devServer) void win.loadURL(paths.devServer);
  else void win.loadFile(paths.rendererIndex);
  return win;
}
