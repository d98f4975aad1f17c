/**
 * Native open/save dialogs. The option builders are pure (and tested); the two `choose…` functions
 * and showMessage are the only calls into Electron's dialog module; the choosers answer a path, or
 * undefined when the user cancels.
 */
import { extname } from 'node:path';
import {
  dialog,
  type BrowserWindow,
  type MessageBoxOptions,
  type OpenDialogOptions,
  type SaveDialogOptions,
} from 'electron';

/** Formats the figure exporter writes; the file name's extension chooses one. */
export const FIGURE_FORMATS = ['svg', 'pdf', 'png', 'csv'] as const;
export type FigureFormat = (typeof FIGURE_FORMATS)[number];

/** A project is a folder: New Project picks (or creates) an empty one. */
export function newProjectDialogOptions(): OpenDialogOptions {
  return {
    title: 'New Project',
    buttonLabel: 'Create Project Here',
    message: 'Choose an empty folder for the new project',
    properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
  };
}

export function openProjectDialogOptions(): OpenDialogOptions {
  return {
    title: 'Open Project',
    buttonLabel: 'Open Project',
    message: 'Choose a Spinscope project folder (it holds spinscope.json)',
    properties: ['openDirectory'],
  };
}

export function importOnnxDialogOptions(): OpenDialogOptions {
  return {
    title: 'Import ONNX Model',
    buttonLabel: 'Import',
    filters: [{ name: 'ONNX models', extensions: ['onnx'] }],
    properties: ['openFile'],
  };
}

export function exportFigureDialogOptions(defaultName = 'figure.svg'): SaveDialogOptions {
  return {
    title: 'Export Figure',
    buttonLabel: 'Export',
    defaultPath: defaultName,
    filters: [
      { name: 'SVG (vector, for papers)', extensions: ['svg'] },
      { name: 'PDF', extensions: ['pdf'] },
      { name: 'PNG image', extensions: ['png'] },
      { name: 'CSV (the plotted data)', extensions: ['csv'] },
    ],
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  };
}

/** The format a figure path names, or undefined when its extension is not one we write. */
export function figureFormatOf(path: string): FigureFormat | undefined {
  const ext = extname(path).slice(1).toLowerCase();
  return (FIGURE_FORMATS as readonly string[]).includes(ext) ? (ext as FigureFormat) : undefined;
}

/**
 * Linux save dialogs do not add the chosen filter's extension, so "fig" can come back bare: a path
 * without a figure extension gets ".svg", the first (vector) format.
 */
export function withFigureExtension(path: string): string {
  return figureFormatOf(path) ? path : `${path}.svg`;
}

export async function chooseOpenPath(
  parent: BrowserWindow | undefined,
  options: OpenDialogOptions,
): Promise<string | undefined> {
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return result.canceled ? undefined : result.filePaths[0];
}

export async function chooseSavePath(
  parent: BrowserWindow | undefined,
  options: SaveDialogOptions,
): Promise<string | undefined> {
  const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
  return result.canceled || !result.filePath ? undefined : result.filePath;
}

export async function showMessage(
  parent: BrowserWindow | undefined,
  options: MessageBoxOptions,
): Promise<void> {
  if (parent) await dialog.showMessageBox(parent, options);
  else await dialog.showMessageBox(options);
}
