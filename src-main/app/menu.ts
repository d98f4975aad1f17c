/**
 * The application menu as data: `buildMenuTemplate` is pure (tested without Electron) and knows
 * nothing of what its items do; the actions are passed in (see menuActions.ts). Items that other
 * code may need to find (to enable or disable them) carry an `id`.
 */
import type { MenuItemConstructorOptions, MessageBoxOptions } from 'electron';
import { aboutDialogOptions, type AppVersions } from './about.ts';

/** What the items do; an action may be asynchronous (a dialog), and handles its own failures. */
export interface MenuActions {
  newProject(): void | Promise<void>;
  openProject(): void | Promise<void>;
  openRecentProject(path: string): void | Promise<void>;
  clearRecentProjects(): void | Promise<void>;
  importOnnx(): void | Promise<void>;
  exportFigure(): void | Promise<void>;
  closeProject(): void | Promise<void>;
  /** Shows the About box; the template decides what it says. */
  showAbout(options: MessageBoxOptions): void | Promise<void>;
}

export interface MenuContext {
  /** Recently opened project folders, newest first. */
  recent: readonly string[];
  platform: NodeJS.Platform;
  versions: AppVersions;
  /** Packaged builds have no Reload and no developer tools in the menu. */
  packaged: boolean;
}

const separator: MenuItemConstructorOptions = { type: 'separator' };

/** Windows and Linux read "&" in a label as a mnemonic marker; "&&" shows a literal "&". */
function literalLabel(text: string, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? text : text.replaceAll('&', '&&');
}

function recentSubmenu(
  actions: MenuActions,
  { recent, platform }: MenuContext,
): MenuItemConstructorOptions[] {
  const projects: MenuItemConstructorOptions[] = recent.map((path) => ({
    label: literalLabel(path, platform),
    click: () => actions.openRecentProject(path),
  }));
  return [
    ...(projects.length > 0 ? projects : [{ label: 'No Recent Projects', enabled: false }]),
    separator,
    {
      id: 'clear-recent',
      label: 'Clear Recently Opened',
      enabled: recent.length > 0,
      click: () => actions.clearRecentProjects(),
    },
  ];
}

export function buildMenuTemplate(actions: MenuActions, context: MenuContext): MenuItemConstructorOptions[] {
  const { platform, versions, packaged } = context;
  const mac = platform === 'darwin';
  const about: MenuItemConstructorOptions = {
    id: 'about',
    label: 'About Spinscope',
    click: () => actions.showAbout(aboutDialogOptions(versions)),
  };

  // macOS puts About and Quit in the application menu; elsewhere they live in Help and File.
  const appMenu: MenuItemConstructorOptions = {
    label: 'Spinscope',
    submenu: [
      about,
      separator,
      { role: 'services' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      separator,
      { role: 'quit' },
    ],
  };

  const fileMenu: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      {
        id: 'new-project',
        label: 'New Project…',
        accelerator: 'CmdOrCtrl+N',
        click: () => actions.newProject(),
      },
      {
        id: 'open-project',
        label: 'Open Project…',
        accelerator: 'CmdOrCtrl+O',
        click: () => actions.openProject(),
      },
      { id: 'open-recent', label: 'Open Recent', submenu: recentSubmenu(actions, context) },
      separator,
      {
        id: 'import-onnx',
        label: 'Import ONNX…',
        accelerator: 'CmdOrCtrl+I',
        click: () => actions.importOnnx(),
      },
      {
        id: 'export-figure',
        label: 'Export Figure…',
        accelerator: 'CmdOrCtrl+E',
        click: () => actions.exportFigure(),
      },
      separator,
      {
        id: 'close-project',
        label: 'Close Project',
        accelerator: 'CmdOrCtrl+Shift+W',
        click: () => actions.closeProject(),
      },
      ...(mac ? [] : [separator, { role: 'quit' } as const]),
    ],
  };

  const editMenu: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(mac ? [{ role: 'pasteAndMatchStyle' } as const, { role: 'delete' } as const] : []),
      { role: 'selectAll' },
    ],
  };

  const viewMenu: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      // Reload and the developer tools are for development; a packaged build leaves them out.
      ...(packaged
        ? []
        : [
            { role: 'reload' } as const,
            { role: 'forceReload' } as const,
            { role: 'toggleDevTools' } as const,
            separator,
          ]),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      separator,
      { role: 'togglefullscreen' },
    ],
  };

  return mac
    ? [appMenu, fileMenu, editMenu, viewMenu, { role: 'windowMenu' }]
    : [fileMenu, editMenu, viewMenu, { label: 'Help', submenu: [about] }];
}
