/**
 * Help ▸ About Spinscope: the versions a bug report needs (Spinscope, Electron, Chromium, Node and
 * the onnxruntime that runs training), shown in a native message box.
 */
import { createRequire } from 'node:module';
import type { MessageBoxOptions } from 'electron';

export interface AppVersions {
  spinscope: string;
  electron: string;
  chromium: string;
  node: string;
  onnxruntime: string;
}

/** The installed onnxruntime-node's version, read from its package.json without loading the native addon. */
export function onnxRuntimeVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    return 'not found';
  }
}

/** `processVersions` is Electron's `process.versions` (it adds `electron` and `chrome` to Node's). */
export function collectVersions(
  spinscopeVersion: string,
  processVersions: Record<string, string | undefined> = process.versions,
  onnxruntime: string = onnxRuntimeVersion(),
): AppVersions {
  return {
    spinscope: spinscopeVersion,
    electron: processVersions.electron ?? 'unknown',
    chromium: processVersions.chrome ?? 'unknown',
    node: processVersions.node ?? 'unknown',
    onnxruntime,
  };
}

export function aboutDialogOptions(versions: AppVersions): MessageBoxOptions {
  return {
    type: 'info',
    title: 'About Spinscope',
    message: `Spinscope ${versions.spinscope}`,
    detail: [
      'A workbench for studying neural networks as Ising spin models.',
      '',
      `Electron ${versions.electron}`,
      `Chromium ${versions.chromium}`,
      `Node ${versions.node}`,
      `onnxruntime ${versions.onnxruntime}`,
    ].join('\n'),
    buttons: ['OK'],
    noLink: true,
  };
}
