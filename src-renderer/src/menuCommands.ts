/**
 * The workbench's commands that do not belong to one panel: the desktop app's native menu (the
 * main process asks for a path with a native dialog and sends the command here through the
 * preload's onMenu, src-main/app/menuActions.ts) and the keyboard shortcuts of shortcuts.ts (the
 * same commands without a path). The renderer then does what the panels' buttons do, so every
 * route shares the stores and the error banner.
 */
import { nextTick } from 'vue';
import { chartToExport } from './charts/registry.ts';
import { matchShortcut, type ShortcutAction } from './shortcuts.ts';
import { useErrorsStore } from './stores/errors.ts';
import { useModelsStore } from './stores/models.ts';
import { useProjectStore } from './stores/project.ts';
import { useViewStore } from './stores/view.ts';

export type MenuCommand =
  | { action: 'new-project' | 'open-project'; path: string }
  /** With a path: import that file / save the chart there; without: open the import view / save as a download. */
  | { action: 'import-onnx' | 'export-figure'; path?: string }
  | { action: 'close-project' | 'new-run' | 'compare' | 'shortcuts' };

const PATHLESS = new Set(['close-project', 'new-run', 'compare', 'shortcuts']);

export function isMenuCommand(x: unknown): x is MenuCommand {
  const c = x as { action?: unknown; path?: unknown } | null;
  if (typeof c?.action !== 'string') return false;
  if (PATHLESS.has(c.action)) return true;
  if (c.action === 'import-onnx' || c.action === 'export-figure')
    return c.path === undefined || typeof c.path === 'string';
  return typeof c.path === 'string' && (c.action === 'new-project' || c.action === 'open-project');
}

/** The command a shortcut runs. */
export function shortcutCommand(action: ShortcutAction): MenuCommand {
  return action === 'help' ? { action: 'shortcuts' } : { action };
}

/** "/home/me/figs/tc.png" → "tc.png" (either separator). */
function fileNameOf(path: string): string {
  return path.split(/[\\/]/).at(-1) ?? path;
}

async function focusById(id: string): Promise<void> {
  await nextTick();
  document.getElementById(id)?.focus();
}

/**
 * Runs one command. Call with Pinia active (inside the app's context): it uses the stores.
 * Anything that fails is shown in the banner.
 */
export async function runMenuCommand(command: unknown): Promise<void> {
  if (!isMenuCommand(command)) return;
  const project = useProjectStore();
  const errors = useErrorsStore();
  switch (command.action) {
    case 'new-project':
      await project.create(command.path);
      return;
    case 'open-project':
      await project.open(command.path);
      return;
    case 'close-project':
      await project.close();
      return;
    case 'import-onnx': {
      if (!project.current) {
        errors.report('Import ONNX', new Error('no project is open: create or open one first'));
        return;
      }
      useViewStore().open('import');
      if (command.path !== undefined) await useModelsStore().importFile(command.path);
      else await focusById('import-path');
      return;
    }
    case 'export-figure': {
      const chart = chartToExport();
      if (!chart) {
        errors.report('Export figure', new Error('no chart on screen: open a view with a chart first'));
        return;
      }
      const name = command.path === undefined ? undefined : fileNameOf(command.path);
      if (name?.toLowerCase().endsWith('.png')) chart.exportPng(name);
      else chart.exportSvg(name);
      return;
    }
    case 'new-run':
      if (project.current) await focusById('run-arch');
      return;
    case 'compare':
      if (project.current) useViewStore().open('compare');
      return;
    case 'shortcuts':
      useViewStore().toggleShortcuts();
      return;
  }
}

/**
 * The page's keydown listener: runs the shortcut's command and keeps the browser from acting on
 * the key too. Returns the command run, if any.
 */
export function onShortcutKey(e: KeyboardEvent, mac: boolean, nativeMenu = false): MenuCommand | null {
  const action = matchShortcut(e, mac, nativeMenu);
  if (!action) return null;
  e.preventDefault();
  const command = shortcutCommand(action);
  void runMenuCommand(command);
  return command;
}
