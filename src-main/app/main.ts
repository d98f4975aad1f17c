/**
 * The Electron main process: thin by design (architecture.md). It opens the window and wires the
 * security policy; numerical work never runs here (it goes to workers in later issues).
 */
import { join } from 'node:path';
import { app, BrowserWindow, shell } from 'electron';
import { applyNavigationPolicy } from './navigationPolicy.ts';

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Spinscope',
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
    },
  });
  applyNavigationPolicy(win.webContents, (url) => void shell.openExternal(url));
  win.once('ready-to-show', () => win.show());
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(join(__dirname, '../renderer/index.html'));
  return win;
}

void app.whenReady().then(() => {
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
