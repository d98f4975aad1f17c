/**
 * The application menu: File (projects, import, export), Edit, View, Help with an About box naming
 * every version a bug report needs; macOS gets its application menu instead of File ▸ Quit.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi, type Mock } from 'vitest';
import type { AppVersions } from '../../../src-main/app/about.ts';
import { buildMenuTemplate, type MenuActions, type MenuContext } from '../../../src-main/app/menu.ts';

const versions: AppVersions = {
  spinscope: '0.1.0',
  electron: '45.4.1',
  chromium: '142.0.7444.52',
  node: '22.20.0',
  onnxruntime: '1.30.0',
};

type FakeActions = { [K in keyof MenuActions]: Mock<MenuActions[K]> };

function fakeActions(): FakeActions {
  return {
    newProject: vi.fn(),
    openProject: vi.fn(),
    openRecentProject: vi.fn(),
    clearRecentProjects: vi.fn(),
    importOnnx: vi.fn(),
    exportFigure: vi.fn(),
    closeProject: vi.fn(),
    showAbout: vi.fn(),
  };
}

function build(context: Partial<MenuContext> = {}, actions = fakeActions()) {
  const template = buildMenuTemplate(actions, {
    recent: [],
    platform: 'linux',
    versions,
    packaged: false,
    ...context,
  });
  return { template, actions };
}

const submenu = (item: MenuItemConstructorOptions | undefined): MenuItemConstructorOptions[] =>
  (item?.submenu ?? []) as MenuItemConstructorOptions[];
const topMenu = (template: MenuItemConstructorOptions[], label: string) =>
  submenu(template.find((m) => m.label === label));
function findById(items: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions | undefined {
  for (const item of items) {
    if (item.id === id) return item;
    const inner = findById(submenu(item), id);
    if (inner) return inner;
  }
  return undefined;
}
const click = (item: MenuItemConstructorOptions | undefined): void => (item!.click as () => void)();
const allItems = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
  items.flatMap((item) => [item, ...allItems(submenu(item))]);

describe('application menu', () => {
  it('has File, Edit, View and Help on Windows and Linux', () => {
    for (const platform of ['linux', 'win32'] as const) {
      expect(build({ platform }).template.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Help']);
    }
  });

  it('lists the project commands in File, each with its shortcut, and calls its action', () => {
    const { template, actions } = build();
    const file = topMenu(template, 'File');
    const commands = file.filter((i) => i.id && i.id !== 'open-recent');
    expect(commands.map((i) => [i.label, i.accelerator])).toEqual([
      ['New Project…', 'CmdOrCtrl+N'],
      ['Open Project…', 'CmdOrCtrl+O'],
      ['Import ONNX…', 'CmdOrCtrl+I'],
      ['Export Figure…', 'CmdOrCtrl+E'],
      ['Close Project', 'CmdOrCtrl+Shift+W'],
    ]);
    click(findById(template, 'new-project'));
    click(findById(template, 'open-project'));
    click(findById(template, 'import-onnx'));
    click(findById(template, 'export-figure'));
    click(findById(template, 'close-project'));
    for (const name of ['newProject', 'openProject', 'importOnnx', 'exportFigure', 'closeProject'] as const) {
      expect(actions[name], name).toHaveBeenCalledOnce();
    }
    expect(file.at(-1)).toEqual({ role: 'quit' });
  });

  it('gives no two items the same shortcut', () => {
    const accelerators = allItems(build().template)
      .map((i) => i.accelerator)
      .filter(Boolean);
    expect(new Set(accelerators).size).toBe(accelerators.length);
  });

  it('lists recent projects newest first; clicking one opens it, Clear empties the list', () => {
    const recent = ['/home/ada/mnist-binary', '/home/ada/ising & glass'];
    const { template, actions } = build({ recent });
    const items = submenu(findById(template, 'open-recent'));
    expect(items.map((i) => i.label ?? i.type)).toEqual([
      '/home/ada/mnist-binary',
      '/home/ada/ising && glass', // a literal "&", not a mnemonic marker
      'separator',
      'Clear Recently Opened',
    ]);
    click(items[1]);
    expect(actions.openRecentProject).toHaveBeenCalledWith('/home/ada/ising & glass');
    const clear = findById(template, 'clear-recent')!;
    expect(clear.enabled).toBe(true);
    click(clear);
    expect(actions.clearRecentProjects).toHaveBeenCalledOnce();
  });

  it('shows an empty recent list as a disabled line, with Clear disabled', () => {
    const items = submenu(findById(build().template, 'open-recent'));
    expect(items[0]).toMatchObject({ label: 'No Recent Projects', enabled: false });
    expect(findById(build().template, 'clear-recent')!.enabled).toBe(false);
  });

  it('offers the standard editing commands', () => {
    const roles = topMenu(build().template, 'Edit').map((i) => i.role ?? i.type);
    expect(roles).toEqual(['undo', 'redo', 'separator', 'cut', 'copy', 'paste', 'selectAll']);
  });

  it('has Reload and the developer tools only in development builds; zoom and full screen always', () => {
    const devRoles = topMenu(build({ packaged: false }).template, 'View').map((i) => i.role);
    const packagedRoles = topMenu(build({ packaged: true }).template, 'View').map((i) => i.role);
    expect(devRoles).toEqual(expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']));
    for (const role of ['reload', 'forceReload', 'toggleDevTools']) expect(packagedRoles).not.toContain(role);
    for (const roles of [devRoles, packagedRoles]) {
      expect(roles).toEqual(expect.arrayContaining(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']));
    }
  });

  it('shows an About box with the Spinscope, Electron, Chromium, Node and onnxruntime versions', () => {
    const { template, actions } = build();
    const help = topMenu(template, 'Help');
    expect(help.map((i) => i.label)).toEqual(['About Spinscope']);
    click(help[0]);
    const [options] = actions.showAbout.mock.calls[0];
    expect(options.title).toBe('About Spinscope');
    expect(options.message).toBe('Spinscope 0.1.0');
    for (const line of ['Electron 45.4.1', 'Chromium 142.0.7444.52', 'Node 22.20.0', 'onnxruntime 1.30.0']) {
      expect(options.detail!.split('\n')).toContain(line);
    }
  });

  it('on macOS puts About and Quit in the Spinscope menu and adds the Window menu', () => {
    const { template, actions } = build({ platform: 'darwin', recent: ['/Users/ada/a&b'] });
    expect(template.map((m) => m.label ?? m.role)).toEqual([
      'Spinscope',
      'File',
      'Edit',
      'View',
      'windowMenu',
    ]);
    const appMenu = topMenu(template, 'Spinscope');
    expect(appMenu[0].label).toBe('About Spinscope');
    expect(appMenu.at(-1)).toEqual({ role: 'quit' });
    expect(topMenu(template, 'File').some((i) => i.role === 'quit')).toBe(false);
    expect(submenu(findById(template, 'open-recent'))[0].label).toBe('/Users/ada/a&b');
    click(appMenu[0]);
    expect(actions.showAbout).toHaveBeenCalledOnce();
  });
});
