/**
 * Keyboard shortcuts for the workbench's main actions, in the page itself, so they work in the
 * desktop app and in a browser on `spinscope serve` alike. Keys are matched by `code` (the
 * physical key), so Alt or a keyboard layout that changes the character does not break them. The
 * browser keeps some combinations for itself whatever the page does (Ctrl+N, Ctrl+T, Ctrl+W), so
 * "new training run" is Ctrl/⌘+Alt+N. Under Electron the native menu owns Ctrl/⌘+I (Import ONNX…)
 * and Ctrl/⌘+E (Export Figure…): its dialogs then send the menu commands of menuCommands.ts, which
 * end in the same actions.
 */

export type ShortcutAction = 'new-run' | 'import-onnx' | 'export-figure' | 'compare' | 'help';

export interface Shortcut {
  action: ShortcutAction;
  /** KeyboardEvent.code of the key. */
  code: string;
  /** Ctrl (⌘ on macOS) held. */
  mod: boolean;
  alt?: boolean;
  shift?: boolean;
  /** The desktop app's native menu has the same accelerator: there the menu handles the key. */
  menu?: boolean;
  /** What the help lists, per platform. */
  keys: { mac: string; other: string };
  description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  {
    action: 'new-run',
    code: 'KeyN',
    mod: true,
    alt: true,
    keys: { mac: '⌘⌥N', other: 'Ctrl+Alt+N' },
    description: 'New training run (go to the form)',
  },
  {
    action: 'import-onnx',
    code: 'KeyI',
    mod: true,
    menu: true,
    keys: { mac: '⌘I', other: 'Ctrl+I' },
    description: 'Import an ONNX model',
  },
  {
    action: 'export-figure',
    code: 'KeyE',
    mod: true,
    menu: true,
    keys: { mac: '⌘E', other: 'Ctrl+E' },
    description: 'Export the chart in focus (else the first one shown) as SVG',
  },
  {
    action: 'compare',
    code: 'KeyK',
    mod: true,
    keys: { mac: '⌘K', other: 'Ctrl+K' },
    description: 'Compare two checkpoints or models',
  },
  {
    action: 'help',
    code: 'Slash',
    mod: true,
    keys: { mac: '⌘/', other: 'Ctrl+/' },
    description: 'Show or hide this list',
  },
];

export function isMacPlatform(platform: string): boolean {
  return /Mac|iPhone|iPad/i.test(platform);
}

type KeyLike = Pick<KeyboardEvent, 'code' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>;

/**
 * The action bound to this key press, or null. On macOS the modifier is ⌘, elsewhere Ctrl. With a
 * native menu (the desktop app), the keys the menu owns are left to it.
 */
export function matchShortcut(e: KeyLike, mac: boolean, nativeMenu = false): ShortcutAction | null {
  const mod = mac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
  for (const s of SHORTCUTS) {
    if (
      !(nativeMenu && s.menu) &&
      s.code === e.code &&
      s.mod === mod &&
      Boolean(s.alt) === e.altKey &&
      Boolean(s.shift) === e.shiftKey
    ) {
      return s.action;
    }
  }
  return null;
}
