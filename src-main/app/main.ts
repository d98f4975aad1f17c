/**
 * The Electron main process: thin by design (architecture.md). It installs the security policies,
 * opens the window, sets the menu and binds the API over IPC; numerical work never runs here (jobs
 * run in utility processes).
 * Each step lives in its own module; this file only puts them in order.
 */
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, Menu, session } from 'electron';
import { createBackend } from '../api/backend.ts';
import { JobSupervisor } from '../jobs/supervisor.ts';
import { RecentProjects } from '../core/project/recent.ts';
import { collectVersions } from './about.ts';
import { applyContentSecurityPolicy } from './contentSecurityPolicy.ts';
import { createMainWindow } from './mainWindow.ts';
import { buildMenuTemplate } from './menu.ts';
import { createMenuActions } from './menuActions.ts';
import { denyAllPermissions, denyWebviews } from './permissionPolicy.ts';
import { broadcast, registerIpc } from './ipc.ts';
import { blockRemoteContent, isRendererUrl, type RendererSource } from './remoteContentPolicy.ts';
import { createUtilityHost } from './utilityHost.ts';
import { windowStateFile } from './windowState.ts';

// Layout of the build (electron.vite.config.ts): out/main/index.js, out/preload/index.cjs, out/renderer/.
const rendererRoot = join(__dirname, '../renderer');
const source: RendererSource = { rendererRoot, devServer: process.env.ELECTRON_RENDERER_URL };

// Every renderer is sandboxed, whatever its webPreferences say (must be called before 'ready').
app.enableSandbox();
// No <webview> in any web contents, including ones we did not create ourselves.
app.on('web-contents-created', (_event, contents) => denyWebviews(contents));

let mainWindow: BrowserWindow | undefined;

function openMainWindow(): BrowserWindow {
  const win = createMainWindow({
    preload: join(__dirname, '../preload/index.cjs'),
    rendererIndex: join(rendererRoot, 'index.html'),
    devServer: source.devServer,
    stateFile: windowStateFile(app.getPath('userData')),
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = undefined;
  });
  mainWindow = win;
  return win;
}

void app.whenReady().then(() => {
  const defaultSession = session.defaultSession;
  denyAllPermissions(defaultSession);
  blockRemoteContent(defaultSession, source);
  applyContentSecurityPolicy(defaultSession, source);

  // userData is core/project's defaultAppDataDir() on every platform (up to letter case), so the
  // desktop app and `spinscope serve` share one recent-projects list.
  const recent = new RecentProjects(join(app.getPath('userData'), 'recent.json'));
  const versions = collectVersions(app.getVersion());
  const refreshMenu = (): void => {
    const template = buildMenuTemplate(actions, {
      recent: recent.list().map((project) => project.dir),
      platform: process.platform,
      versions,
      packaged: app.isPackaged,
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };
  const actions = createMenuActions({
    window: () => mainWindow,
    openWindow: openMainWindow,
    clearRecentProjects: () => {
      for (const project of recent.list()) recent.remove(project.dir);
      refreshMenu();
    },
  });
  refreshMenu();

  // The API over IPC, bound before the window opens so the renderer never calls a channel without
  // a handler. Jobs run in utility processes (out/main/worker.js); the main process only relays.
  const supervisor = new JobSupervisor({ host: createUtilityHost(join(__dirname, 'worker.js')) });
  const backend = createBackend({
    supervisor,
    recent,
    transport: 'ipc',
    versions: { ...versions },
    emit: (e) => broadcast(() => BrowserWindow.getAllWindows().map((w) => w.webContents), e),
    onUnexpected: (method, error) => console.error(`spinscope: ${method} failed unexpectedly:`, error),
  });
  registerIpc({
    ipcMain,
    isTrustedSender: (url) => isRendererUrl(url, source),
    dispatch: async (method, args) => {
      const result = await backend.dispatch(method, args);
      if (method.startsWith('projects.')) refreshMenu();
      return result;
    },
  });
  app.on('will-quit', () => void backend.dispose());

  openMainWindow();
  app.on('activate', () => {
    // macOS: clicking the dock icon with no window open opens one.
    if (BrowserWindow.getAllWindows().length === 0) openMainWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
