/**
 * Native dialogs: a project is a folder, a model is an .onnx file, a figure is SVG, PDF, PNG or CSV;
 * cancelling answers undefined.
 */
import type { BrowserWindow as ElectronWindow } from 'electron';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  chooseOpenPath,
  chooseSavePath,
  exportFigureDialogOptions,
  figureFormatOf,
  importOnnxDialogOptions,
  newProjectDialogOptions,
  openProjectDialogOptions,
  showMessage,
  withFigureExtension,
} from '../../../src-main/app/dialogs.ts';
import { BrowserWindow, electronMock } from '../../mocks/electron.ts';

beforeEach(() => {
  electronMock.dialogCalls.length = 0;
});

describe('dialog options', () => {
  it('picks folders for projects, creating one for a new project', () => {
    expect(newProjectDialogOptions().properties).toEqual([
      'openDirectory',
      'createDirectory',
      'promptToCreate',
    ]);
    expect(openProjectDialogOptions().properties).toEqual(['openDirectory']);
  });

  it('picks a single .onnx file to import', () => {
    const options = importOnnxDialogOptions();
    expect(options.properties).toEqual(['openFile']);
    expect(options.filters).toEqual([{ name: 'ONNX models', extensions: ['onnx'] }]);
  });

  it('saves figures as SVG (first), PDF, PNG or CSV, confirming overwrites', () => {
    const options = exportFigureDialogOptions('tc-vs-step.svg');
    expect(options.defaultPath).toBe('tc-vs-step.svg');
    expect(options.filters?.map((f) => f.extensions)).toEqual([['svg'], ['pdf'], ['png'], ['csv']]);
    expect(options.properties).toContain('showOverwriteConfirmation');
  });

  it('reads the figure format from the extension, adding .svg when there is none we write', () => {
    expect(figureFormatOf('/tmp/fig.PDF')).toBe('pdf');
    expect(figureFormatOf('/tmp/fig.jpeg')).toBeUndefined();
    expect(withFigureExtension('/tmp/fig.png')).toBe('/tmp/fig.png');
    expect(withFigureExtension('/tmp/fig')).toBe('/tmp/fig.svg');
    expect(withFigureExtension('/tmp/v1.2')).toBe('/tmp/v1.2.svg');
  });
});

describe('showing dialogs', () => {
  it('answers the chosen path, or undefined when cancelled, with the window as parent', async () => {
    const win = new BrowserWindow() as unknown as ElectronWindow;
    electronMock.openDialogAnswer = { canceled: false, filePaths: ['/data/mnist.onnx'] };
    expect(await chooseOpenPath(win, importOnnxDialogOptions())).toBe('/data/mnist.onnx');
    expect(electronMock.dialogCalls[0].parent).toBe(win);
    electronMock.openDialogAnswer = { canceled: true, filePaths: [] };
    expect(await chooseOpenPath(undefined, importOnnxDialogOptions())).toBeUndefined();
    expect(electronMock.dialogCalls[1].parent).toBeUndefined();

    electronMock.saveDialogAnswer = { canceled: false, filePath: '/data/fig.svg' };
    expect(await chooseSavePath(win, exportFigureDialogOptions())).toBe('/data/fig.svg');
    electronMock.saveDialogAnswer = { canceled: true, filePath: '' };
    expect(await chooseSavePath(win, exportFigureDialogOptions())).toBeUndefined();

    await showMessage(undefined, { message: 'hello' });
    expect(electronMock.dialogCalls.at(-1)).toMatchObject({ method: 'showMessageBox', parent: undefined });
  });
});
