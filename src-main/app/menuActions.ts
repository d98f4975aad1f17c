/**
 * What the menu items do, for now: ask for a path with a native dialog and tell the renderer, which
 * then calls the API (open the project, import the model, export the figure). The renderer listens
 * on MENU_EVENT_CHANNEL through the preload.
 */
import type { BrowserWindow } from 'electron';
import {
  chooseOpenPath,
  chooseSavePath,
  exportFigureDialogOptions,
  importOnnxDialogOptions,
  newProjectDialogOptions,
  openProjectDialogOptions,
  showMessage,
  withFigureExtension,
} from './dialogs.ts';
import type { MenuActions } from './menu.ts';

export const MENU_EVENT_CHANNEL = 'spinscope:menu';

/** A menu command for the renderer; `path` is what the user chose in the dialog. */
export type MenuEvent =
  | { action: 'new-project' | 'open-project' | 'import-onnx' | 'export-figure'; path: string }
  | { action: 'close-project' };

export interface MenuActionContext {
  /** The app window, if one is open: it parents the dialogs and receives the menu events. */
  window(): BrowserWindow | undefined;
  /** Opens the app window (macOS keeps running with none; a menu command then opens one). */
  openWindow(): BrowserWindow;
  /** Empties the recent-projects list (and rebuilds the menu). */
  clearRecentProjects(): void;
}

/** Menu actions run from a click: a failure is logged, never an unhandled rejection. */
function logFailure(what: string): (e: unknown) => void {
  return (e) => console.error(`Spinscope: ${what} failed: ${(e as Error).message}`);
}

/** Sends now, or once the page has loaded (a window just opened has no listener yet). */
function deliver(win: BrowserWindow, event: MenuEvent): void {
  if (win.webContents.isLoading()) {
    win.webContents.once('did-finish-load', () => win.webContents.send(MENU_EVENT_CHANNEL, event));
  } else {
    win.webContents.send(MENU_EVENT_CHANNEL, event);
  }
}

export function createMenuActions(context: MenuActionContext): MenuActions {
  const liveWindow = (): BrowserWindow | undefined => {
    const win = context.window();
    return win && !win.isDestroyed() ? win : undefined;
  };
  const send = (event: MenuEvent): void => deliver(liveWindow() ?? context.openWindow(), event);
  const pickThenSend = async (
    action: 'new-project' | 'open-project' | 'import-onnx',
    options: Parameters<typeof chooseOpenPath>[1],
  ): Promise<void> => {
    const path = await chooseOpenPath(liveWindow(), options);
    if (path !== undefined) send({ action, path });
  };

  return {
    newProject: () => pickThenSend('new-project', newProjectDialogOptions()).catch(logFailure('New Project')),
    openProject: () =>
      pickThenSend('open-project', openProjectDialogOptions()).catch(logFailure('Open Project')),
    openRecentProject: (path) => send({ action: 'open-project', path }),
    clearRecentProjects: () => context.clearRecentProjects(),
    importOnnx: () => pickThenSend('import-onnx', importOnnxDialogOptions()).catch(logFailure('Import ONNX')),
    exportFigure: async () => {
      const path = await chooseSavePath(liveWindow(), exportFigureDialogOptions()).catch(
        logFailure('Export Figure'),
      );
      if (path) send({ action: 'export-figure', path: withFigureExtension(path) });
    },
    closeProject: () => {
      // With no window open there is no project to close.
      const win = liveWindow();
      if (win) deliver(win, { action: 'close-project' });
    },
    showAbout: (options) => showMessage(liveWindow(), options).catch(logFailure('About')),
  };
}
