// @vitest-environment happy-dom
/**
 * Drag and drop on the start screen (issue 6): in the desktop app the preload knows a dropped item's
 * path, so a folder opens as a project and an .onnx file waits for a project, then opens the import
 * view with its path; a browser never tells the page where a file lives, and the start screen says so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mountWorkbench, type Workbench } from './mountWorkbench.ts';

let current: Workbench | null = null;
afterEach(() => {
  current?.wrapper.unmount();
  current = null;
  document.body.innerHTML = '';
  delete (window as unknown as { spinscope?: unknown }).spinscope;
});

const sel = (id: string): string => `[data-testid="${id}"]`;

async function start(): Promise<Workbench> {
  current = await mountWorkbench();
  return current;
}

async function drop(w: Workbench, file: File): Promise<void> {
  const e = new Event('drop', { bubbles: true, cancelable: true });
  Object.defineProperty(e, 'dataTransfer', { value: { files: [file] } });
  w.byTestId('start-panel').dispatchEvent(e);
  await w.settle();
}

/** The desktop app's preload: it resolves a dropped item to `/data/dropped/<name>`. */
function desktopBridge(): void {
  (window as unknown as { spinscope?: unknown }).spinscope = {
    invoke: () => Promise.resolve({ ok: true, value: null }),
    onEvent: () => () => {},
    pathForFile: (f: File) => `/data/dropped/${f.name}`,
  };
}

describe('drag and drop on the start screen', () => {
  it('a dropped folder opens as a project by its path', async () => {
    const w = await start();
    await w.backend.transport.call('projects.create', { dir: '/data/dropped/phases' });
    desktopBridge();
    await drop(w, new File([], 'phases'));
    expect(w.backend.callsOf('projects.open')).toEqual([{ dir: '/data/dropped/phases' }]);
    expect(w.allByTestId('start-panel')).toHaveLength(0);
  });

  it('a dropped ONNX file opens the import view with its path once a project is created', async () => {
    const w = await start();
    desktopBridge();
    await drop(w, new File(['x'], 'mlp.onnx'));
    expect(w.byTestId('start-drop-message').textContent).toContain('mlp.onnx will be imported');
    expect(w.backend.callsOf('projects.open')).toEqual([]);
    await w.wrapper.find(sel('project-dir')).setValue('/data/new-project');
    await w.wrapper.find(sel('create-project')).trigger('click');
    await w.settle();
    expect((w.byTestId('import-path') as HTMLInputElement).value).toBe('/data/dropped/mlp.onnx');
  });

  it('in a browser the drop explains that the path has to be typed', async () => {
    const w = await start();
    await drop(w, new File([], 'phases'));
    expect(w.byTestId('start-drop-message').textContent).toMatch(/does not tell the page where it lives/);
    expect(w.backend.callsOf('projects.open')).toEqual([]);
  });
});
