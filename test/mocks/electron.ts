// The Electron binary cannot be downloaded on our build machines: tests import this instead.
export const app = {
  whenReady: () => Promise.resolve(),
  on: () => undefined,
  quit: () => undefined,
  getPath: () => '/tmp/spinscope-test',
};
export class BrowserWindow {
  webContents = { setWindowOpenHandler: () => undefined, on: () => undefined };
  loadURL(): Promise<void> {
    return Promise.resolve();
  }
  loadFile(): Promise<void> {
    return Promise.resolve();
  }
  on(): void {}
  static getAllWindows(): BrowserWindow[] {
    return [];
  }
}
export default { app, BrowserWindow };
