/**
 * Menu actions: a dialog asks for the path, then the renderer is told on 'spinscope:menu'; a
 * cancelled dialog tells it nothing, and a failing one is logged, never thrown.
 */
import type { BrowserWindow as ElectronWindow } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMenuActions, MENU_EVENT_CHANNEL } from '../../../src-main/app/menuActions.ts';
import { BrowserWindow, electronMock } from '../../mocks/electron.ts';

let win: BrowserWindow | undefined;
const clearRecentProjects = vi.fn();
/** Like main.ts: opening a window makes it the app window, and it starts loading the renderer. */
const openWindow = vi.fn(() => {
  win = new BrowserWindow();
  void win.loadFile('/out/renderer/index.html');
  return win as unknown as ElectronWindow;
});
const actions = createMenuActions({
  window: () => win as unknown as ElectronWindow | undefined,
  openWindow,
  clearRecentProjects,
});

beforeEach(() => {
  win = new BrowserWindow();
  openWindow.mockClear();
  electronMock.dialogCalls.length = 0;
  electronMock.openDialogAnswer = { canceled: true, filePaths: [] };
  electronMock.saveDialogAnswer = { canceled: true, filePath: '' };
});

describe('menu actions', () => {
  it('New Project and Open Project ask for a folder and send it to the renderer', async () => {
    electronMock.openDialogAnswer = { canceled: false, filePaths: ['/home/ada/new-study'] };
    await actions.newProject();
    electronMock.openDialogAnswer = { canceled: false, filePaths: ['/home/ada/mnist-binary'] };
    await actions.openProject();
    expect(electronMock.dialogCalls.map((c) => [c.method, c.options.title, c.parent])).toEqual([
      ['showOpenDialog', 'New Project', win],
      ['showOpenDialog', 'Open Project', win],
    ]);
    expect(win!.webContents.sent).toEqual([
      { channel: MENU_EVENT_CHANNEL, args: [{ action: 'new-project', path: '/home/ada/new-study' }] },
      { channel: MENU_EVENT_CHANNEL, args: [{ action: 'open-project', path: '/home/ada/mnist-binary' }] },
    ]);
    expect(MENU_EVENT_CHANNEL).toBe('spinscope:menu');
  });

  it('sends nothing when the dialog is cancelled', async () => {
    await actions.importOnnx();
    await actions.exportFigure();
    expect(electronMock.dialogCalls).toHaveLength(2);
    expect(win!.webContents.sent).toEqual([]);
  });

  it('Import ONNX sends the model file; Export Figure sends a path with a figure extension', async () => {
    electronMock.openDialogAnswer = { canceled: false, filePaths: ['/data/mlp.onnx'] };
    await actions.importOnnx();
    electronMock.saveDialogAnswer = { canceled: false, filePath: '/papers/fig3' };
    await actions.exportFigure();
    expect(win!.webContents.sent.map((s) => s.args[0])).toEqual([
      { action: 'import-onnx', path: '/data/mlp.onnx' },
      { action: 'export-figure', path: '/papers/fig3.svg' },
    ]);
  });

  it('Open Recent and Close Project need no dialog; Clear Recent is passed through', async () => {
    await actions.openRecentProject('/home/ada/mnist-binary');
    await actions.closeProject();
    await actions.clearRecentProjects();
    expect(electronMock.dialogCalls).toEqual([]);
    expect(win!.webContents.sent.map((s) => s.args[0])).toEqual([
      { action: 'open-project', path: '/home/ada/mnist-binary' },
      { action: 'close-project' },
    ]);
    expect(clearRecentProjects).toHaveBeenCalledOnce();
  });

  it('About shows the message box over the window', async () => {
    await actions.showAbout({ message: 'Spinscope 0.1.0' });
    expect(electronMock.dialogCalls).toEqual([
      { method: 'showMessageBox', parent: win, options: { message: 'Spinscope 0.1.0' } },
    ]);
  });

  it('opens a window when none is open, and sends once its page has loaded', async () => {
    win!.close();
    electronMock.openDialogAnswer = { canceled: false, filePaths: ['/home/ada/mnist-binary'] };
    await actions.openProject();
    expect(electronMock.dialogCalls[0].parent).toBeUndefined(); // no parent: the old window is gone
    expect(openWindow).toHaveBeenCalledOnce();
    const opened = win!;
    expect(opened.webContents.sent).toEqual([]);
    opened.webContents.finishLoad();
    expect(opened.webContents.sent.map((s) => s.args[0])).toEqual([
      { action: 'open-project', path: '/home/ada/mnist-binary' },
    ]);
  });

  it('does not open a window just to close the project', async () => {
    win!.close();
    await actions.closeProject();
    expect(openWindow).not.toHaveBeenCalled();
  });

  it('logs a failing dialog instead of throwing, and sends nothing', async () => {
    electronMock.openDialogAnswer = new Error('portal not available');
    electronMock.saveDialogAnswer = new Error('portal not available');
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await expect(actions.openProject()).resolves.toBeUndefined();
    await expect(actions.exportFigure()).resolves.toBeUndefined();
    expect(error).toHaveBeenCalledWith('Spinscope: Open Project failed: portal not available');
    expect(error).toHaveBeenCalledWith('Spinscope: Export Figure failed: portal not available');
    expect(win!.webContents.sent).toEqual([]);
    error.mockRestore();
  });
});
