// @vitest-environment happy-dom
/**
 * The checkpoint table stays light with thousands of checkpoints (only the rows in view are in the
 * DOM, spacers keep the scroll height true), and the main actions have keyboard shortcuts, listed
 * in the header's help, that run the same commands as the desktop menu.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import { API_KEY, createApi } from '../../src-renderer/src/api.ts';
import { isMenuCommand, runMenuCommand } from '../../src-renderer/src/menuCommands.ts';
import { matchShortcut, SHORTCUTS } from '../../src-renderer/src/shortcuts.ts';
import { useViewStore } from '../../src-renderer/src/stores/view.ts';
import { FakeBackend } from './fakeBackend.ts';
import { mountWorkbench, type Workbench } from './mountWorkbench.ts';

/** The scroll box of the checkpoint table is 280 px tall: 8 rows of 32 px under the header. */
const VIEWPORT = 280;
const ROW = 32;
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => VIEWPORT });
});

let current: Workbench | null = null;
afterEach(() => {
  current?.wrapper.unmount();
  current = null;
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

const RUN = 'relu-784-32-10-s0';
const sel = (id: string): string => `[data-testid="${id}"]`;

async function withRun(steps: number[]): Promise<Workbench> {
  const backend = new FakeBackend();
  backend.openProject('/data/phases', 'phases');
  backend.addCompletedRun(RUN, steps);
  const w = await mountWorkbench(backend);
  current = w;
  await w.wrapper.find(sel('run-select')).trigger('click');
  await w.settle();
  return w;
}

const renderedSteps = (w: Workbench): number[] =>
  w.allByTestId('checkpoint-row').map((r) => Number(r.dataset.step));
const padHeight = (w: Workbench, id: string): number => {
  const cell = w.allByTestId(id)[0]?.querySelector('td');
  return cell ? Number.parseFloat(cell.style.height) : 0;
};

describe('virtualised checkpoint table', () => {
  const STEPS = Array.from({ length: 2000 }, (_, i) => 5 * i);

  it('holds only the rows in view for 2000 checkpoints; the spacers stand for the rest', async () => {
    const w = await withRun(STEPS);
    const shown = renderedSteps(w);
    // 280 px show 9 rows of 32 px; 8 more below as overscan: 17 of 2000.
    expect(shown).toEqual(STEPS.slice(0, Math.ceil(VIEWPORT / ROW) + 8));
    expect(padHeight(w, 'checkpoints-pad-top')).toBe(0);
    expect(padHeight(w, 'checkpoints-pad-bottom')).toBe((2000 - shown.length) * ROW);
    expect(w.byTestId('checkpoints-table').getAttribute('aria-rowcount')).toBe('2001');
    expect(w.allByTestId('checkpoint-row')[3].getAttribute('aria-rowindex')).toBe('5');
  });

  it('renders the window scrolled to, with the spacers adding up to the whole list', async () => {
    const w = await withRun(STEPS);
    const scroller = w.byTestId('checkpoints-scroll');
    scroller.scrollTop = 1000 * ROW;
    scroller.dispatchEvent(new Event('scroll'));
    await w.settle();
    const shown = renderedSteps(w);
    const first = STEPS.indexOf(shown[0]);
    expect(first).toBe(1000 - 8);
    expect(shown).toContain(STEPS[1000]);
    expect(shown.length).toBeLessThan(40);
    const top = padHeight(w, 'checkpoints-pad-top');
    const bottom = padHeight(w, 'checkpoints-pad-bottom');
    expect(top).toBe(first * ROW);
    expect(top + shown.length * ROW + bottom).toBe(2000 * ROW);
  });

  it('keeps the selection in view while the arrows walk through training', async () => {
    const w = await withRun(STEPS);
    await w.wrapper.findAll(sel('checkpoint-select'))[0].trigger('click');
    await w.settle();
    const table = w.wrapper.find(sel('checkpoints-scroll'));
    for (let i = 0; i < 40; i++) await table.trigger('keydown', { key: 'ArrowDown' });
    await w.settle();
    expect(w.byTestId('detail-step').textContent).toBe(String(STEPS[40]));
    const selected = w.allByTestId('checkpoint-row').find((r) => r.getAttribute('aria-selected') === 'true');
    expect(selected?.dataset.step).toBe(String(STEPS[40]));
    // Row 40 is the last one under the sticky header: its bottom at the box's bottom.
    expect(w.byTestId('checkpoints-scroll').scrollTop).toBe(41 * ROW - (VIEWPORT - ROW));
  });

  it('renders short runs whole, without spacers', async () => {
    const w = await withRun([0, 10, 100, 1000]);
    expect(renderedSteps(w)).toEqual([0, 10, 100, 1000]);
    expect(w.allByTestId('checkpoints-pad-top')).toHaveLength(0);
    expect(w.allByTestId('checkpoints-pad-bottom')).toHaveLength(0);
  });
});

describe('keyboard shortcuts', () => {
  const key = (
    code: string,
    mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {},
  ) => ({
    code,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    ...mods,
  });

  it('use Ctrl elsewhere and ⌘ on macOS; the native menu keeps its own accelerators', () => {
    expect(matchShortcut(key('KeyI', { ctrlKey: true }), false)).toBe('import-onnx');
    expect(matchShortcut(key('KeyI', { metaKey: true }), true)).toBe('import-onnx');
    expect(matchShortcut(key('KeyI', { ctrlKey: true }), true)).toBeNull();
    expect(matchShortcut(key('KeyI'), false)).toBeNull();
    expect(matchShortcut(key('KeyN', { ctrlKey: true, altKey: true }), false)).toBe('new-run');
    // Plain Ctrl+N is the browser's (new window): not taken.
    expect(matchShortcut(key('KeyN', { ctrlKey: true }), false)).toBeNull();
    expect(matchShortcut(key('KeyK', { ctrlKey: true }), false)).toBe('compare');
    expect(matchShortcut(key('KeyE', { ctrlKey: true }), false, true)).toBeNull();
    expect(matchShortcut(key('KeyK', { ctrlKey: true }), false, true)).toBe('compare');
    // Each action has one binding.
    expect(new Set(SHORTCUTS.map((s) => s.action)).size).toBe(SHORTCUTS.length);
  });

  const press = async (w: Workbench, code: string, mods: KeyboardEventInit = {}): Promise<KeyboardEvent> => {
    const e = new KeyboardEvent('keydown', { code, ctrlKey: true, bubbles: true, cancelable: true, ...mods });
    window.dispatchEvent(e);
    await w.settle();
    return e;
  };

  it('open the import view, the comparison, the new-run form and the list of shortcuts', async () => {
    const w = await withRun([0, 10, 100]);
    const e = await press(w, 'KeyI');
    expect(e.defaultPrevented).toBe(true);
    expect(w.allByTestId('import-view')).toHaveLength(1);
    expect(document.activeElement?.id).toBe('import-path');

    await press(w, 'KeyK');
    expect(w.allByTestId('compare-view')).toHaveLength(1);

    await press(w, 'KeyN', { altKey: true });
    expect(document.activeElement?.id).toBe('run-arch');

    await press(w, 'Slash');
    const rows = w.allByTestId('shortcut-row');
    expect(rows.map((r) => r.dataset.action)).toEqual(SHORTCUTS.map((s) => s.action));
    expect(rows[1].textContent).toContain('Ctrl+I');
    expect(w.byTestId('shortcuts-button').getAttribute('aria-expanded')).toBe('true');
    await press(w, 'Slash');
    expect(w.allByTestId('shortcuts-help')).toHaveLength(0);
  });

  it('export the chart on screen as SVG, or say that there is none', async () => {
    const backend = new FakeBackend();
    backend.openProject('/data/phases', 'phases');
    backend.addCompletedRun(RUN, [0, 100]);
    backend.curves.set(`${RUN}@100`, {
      runId: RUN,
      step: 100,
      T: [0.5, 1, 1.5],
      lambda: [0.5, 0, 0.1],
      tc: 1,
      phase: 'glass',
      minLambda: 0,
      argminT: 1,
      replicaTc: 1,
      source: 'sweep',
    });
    const w = await mountWorkbench(backend);
    current = w;
    await press(w, 'KeyE');
    expect(w.byTestId('error-banner').textContent).toContain('no chart on screen');

    await w.wrapper.find(sel('run-select')).trigger('click');
    await w.settle();
    await w.wrapper.findAll(sel('checkpoint-select'))[1].trigger('click');
    await w.settle();
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    await press(w, 'KeyE');
    expect(clicked).toEqual([`lambda-min-t-${RUN}-step-100.svg`]);
  });
});

describe('menu commands of the import and export items', () => {
  it('Import ONNX… with the chosen file opens the import view and imports it', async () => {
    const backend = new FakeBackend();
    backend.openProject('/data/phases', 'phases');
    const app = createApp({}).provide(API_KEY, createApi(backend.transport)).use(createPinia());
    await app.runWithContext(async () => {
      await useProjectLoaded();
      await runMenuCommand({ action: 'import-onnx', path: '/data/mlp.onnx' });
      expect(useViewStore().panel).toBe('import');
    });
    expect(backend.callsOf('models.import')).toEqual([{ path: '/data/mlp.onnx' }]);
    expect(isMenuCommand({ action: 'import-onnx' })).toBe(true);
    expect(isMenuCommand({ action: 'new-project' })).toBe(false);
    expect(isMenuCommand({ action: 'export-figure', path: 3 })).toBe(false);
  });
});

/** Loads the project the fake backend has open into the project store. */
async function useProjectLoaded(): Promise<void> {
  const { useProjectStore } = await import('../../src-renderer/src/stores/project.ts');
  await useProjectStore().load();
}
