/**
 * The Electron main process with `electron` mocked (the binary cannot be downloaded here): it must
 * sandbox every renderer, deny every permission, block remote content, send the CSP, open one
 * secure window where it was last closed, and set the menu wired to dialogs and the renderer.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MenuItemConstructorOptions } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RecentProjects } from '../../../src-main/core/project/recent.ts';
import { CONTENT_SECURITY_POLICY } from '../../../src-main/app/contentSecurityPolicy.ts';
import { MENU_EVENT_CHANNEL } from '../../../src-main/app/menuActions.ts';
import {
  app,
  BrowserWindow,
  electronMock,
  fakeEvent,
  FakeWebContents,
  session,
} from '../../mocks/electron.ts';

const userData = mkdtempSync(join(tmpdir(), 'spinscope-main-'));
const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

beforeAll(async () => {
  app.userData = userData;
  delete process.env.ELECTRON_RENDERER_URL;
  new RecentProjects(join(userData, 'recent.json')).add('/home/ada/mnist-binary', 'MNIST binary');
  await import('../../../src-main/app/main.ts');
  await flush();
});
afterAll(() => rmSync(userData, { recursive: true, force: true }));

function menuItems(): MenuItemConstructorOptions[] {
  const all = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
    items.flatMap((i) => [i, ...all((i.submenu ?? []) as MenuItemConstructorOptions[])]);
  return all(electronMock.applicationMenu!.template);
}
const menuItem = (id: string): MenuItemConstructorOptions => menuItems().find((i) => i.id === id)!;

describe('Electron main process', () => {
  it('sandboxes every renderer and refuses <webview> in any web contents', () => {
    expect(app.sandboxEnabled).toBe(true);
    const contents = new FakeWebContents();
    app.emit('web-contents-created', fakeEvent(), contents);
    const attach = fakeEvent();
    contents.emit('will-attach-webview', attach, {}, { src: 'https://example.org' });
    expect(attach.defaultPrevented).toBe(true);
  });

  it('opens one sandboxed, context-isolated window with the bundled preload and the built renderer', () => {
    expect(electronMock.windows).toHaveLength(1);
    const [win] = electronMock.windows;
    const prefs = win.options.webPreferences;
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(prefs.preload).toMatch(/preload[\\/]index\.cjs$/);
    expect(win.loaded).toEqual([expect.stringMatching(/renderer[\\/]index\.html$/)]);
    expect(win.options.show).toBe(false);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
    // Navigation policy: window.open is refused.
    expect(win.webContents.windowOpenHandler!({ url: 'https://example.org' })).toEqual({ action: 'deny' });
  });

  it('denies every permission request and check on the default session', () => {
    const ses = session.defaultSession;
    const callback = vi.fn();
    ses.permissionRequestHandler!({}, 'media', callback, {});
    expect(callback).toHaveBeenCalledWith(false);
    expect(ses.permissionCheckHandler!(null, 'clipboard-read', 'file://', {})).toBe(false);
    expect(ses.devicePermissionHandler!({ deviceType: 'usb' })).toBe(false);
  });

  it("blocks remote content, lets the renderer's files through, and sends the CSP with them", () => {
    const rendererIndex = pathToFileURL(electronMock.windows[0].loaded[0]).href;
    const request = (url: string): unknown => {
      const callback = vi.fn();
      session.defaultSession.webRequest.beforeRequest!({ url }, callback);
      return callback.mock.calls[0][0];
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(request(rendererIndex)).toEqual({ cancel: false });
    expect(request('https://fonts.googleapis.com/css')).toEqual({ cancel: true });
    expect(request('http://localhost:5173/')).toEqual({ cancel: true }); // no dev server in a build
    warn.mockRestore();

    const headers = vi.fn();
    session.defaultSession.webRequest.headersReceived!({ url: rendererIndex, responseHeaders: {} }, headers);
    expect(headers).toHaveBeenCalledWith({
      responseHeaders: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });

  it('sets the menu: recent projects from the shared list, Open Project wired to a dialog and the renderer', async () => {
    const labels = electronMock.applicationMenu!.template.map((m) => m.label);
    expect(labels).toEqual(
      process.platform === 'darwin'
        ? ['Spinscope', 'File', 'Edit', 'View', undefined]
        : ['File', 'Edit', 'View', 'Help'],
    );
    const recent = (menuItem('open-recent').submenu as MenuItemConstructorOptions[]).map((i) => i.label);
    expect(recent[0]).toBe('/home/ada/mnist-binary');

    const [win] = electronMock.windows;
    win.webContents.finishLoad();
    electronMock.openDialogAnswer = { canceled: false, filePaths: ['/home/ada/new-study'] };
    (menuItem('open-project').click as () => void)();
    await flush();
    expect(electronMock.dialogCalls.at(-1)).toMatchObject({ method: 'showOpenDialog', parent: win });
    expect(win.webContents.sent).toEqual([
      { channel: MENU_EVENT_CHANNEL, args: [{ action: 'open-project', path: '/home/ada/new-study' }] },
    ]);

    (menuItem('clear-recent').click as () => void)();
    expect(new RecentProjects(join(userData, 'recent.json')).list()).toEqual([]);
    expect((menuItem('open-recent').submenu as MenuItemConstructorOptions[])[0].label).toBe(
      'No Recent Projects',
    );
  });

  it('shows the About box with the versions', async () => {
    (menuItem('about').click as () => void)();
    await flush();
    const about = electronMock.dialogCalls.at(-1)!;
    expect(about.method).toBe('showMessageBox');
    expect(about.options.message).toBe('Spinscope 0.1.0');
    expect(about.options.detail).toContain(`Node ${process.versions.node}`);
    expect(about.options.detail).toMatch(/onnxruntime \d+\.\d+\.\d+/);
  });

  it('remembers the window on close and reopens it there (macOS: dock click with no window)', () => {
    const [win] = electronMock.windows;
    win.bounds = { x: 200, y: 120, width: 1100, height: 760 };
    win.close();
    expect(JSON.parse(readFileSync(join(userData, 'window-state.json'), 'utf8'))).toEqual({
      x: 200,
      y: 120,
      width: 1100,
      height: 760,
      maximized: false,
    });
    expect(BrowserWindow.getAllWindows()).toHaveLength(0);
    app.emit('activate');
    expect(electronMock.windows).toHaveLength(2);
    expect(electronMock.windows[1].options).toMatchObject({ x: 200, y: 120, width: 1100, height: 760 });
    expect(dirname(electronMock.windows[1].loaded[0])).toBe(dirname(electronMock.windows[0].loaded[0]));
  });

  it('quits when the last window closes, except on macOS', () => {
    app.emit('window-all-closed');
    expect(app.quitCalls).toBe(process.platform === 'darwin' ? 0 : 1);
  });
});

describe('the API over IPC', () => {
  const call = async (url: string, method: string, args: unknown): Promise<unknown> => {
    const handler = electronMock.ipcHandlers.get('spinscope:api');
    expect(handler, 'spinscope:api is handled').toBeDefined();
    return handler!({ senderFrame: { url } }, method, args);
  };
  const rendererUrl = (): string => pathToFileURL(electronMock.windows[0].loaded[0]).href;

  it('answers the app renderer, validates arguments, and refuses other senders', async () => {
    const info = (await call(rendererUrl(), 'app.info', {})) as { ok: boolean; value: { transport: string } };
    expect(info).toMatchObject({ ok: true, value: { product: 'Spinscope', transport: 'ipc' } });
    expect(await call(rendererUrl(), 'projects.open', { dir: 7 })).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
    expect(await call(rendererUrl(), 'runs.list', {})).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    for (const url of ['https://evil.example/', 'file:///etc/passwd', '']) {
      expect(await call(url, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
  });
});
