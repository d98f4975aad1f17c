// @vitest-environment happy-dom
/**
 * The project overview: runs and imported models in one table, each with its latest T_c (a run's:
 * the T_c of its last swept checkpoint; a model's: its analysis's), sortable by every column
 * (aria-sort tells which and how) and filtered by a text over name, architecture, activation and
 * status.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EVENTS, type AnalysisDto, type ModelDto, type SweepReportDto } from '../../src-main/api/contract.ts';
import { FakeBackend } from './fakeBackend.ts';
import { mountWorkbench, type Workbench } from './mountWorkbench.ts';

let current: Workbench | null = null;
afterEach(() => {
  current?.wrapper.unmount();
  current = null;
  document.body.innerHTML = '';
});

const sel = (id: string): string => `[data-testid="${id}"]`;

/** A sweep whose checkpoints are listed out of step order: the latest is the largest step. */
function sweep(tcByStep: Record<number, number>): SweepReportDto {
  const checkpoints = Object.entries(tcByStep)
    .map(([step, tc]) => ({ step: Number(step), tc, phase: 'ordered', minLambda: -0.1 }))
    .reverse();
  return { schema: 'spinscope.sweep/1', checkpoints, powerLaw: null };
}

function model(id: string, accuracy: number): ModelDto {
  return {
    id,
    file: `models/${id}/model.onnx`,
    source: `/data/${id}.onnx`,
    layers: [784, 40, 10],
    activations: ['tanh', 'identity'],
    accuracy,
    warnings: [],
    importedAt: '2026-12-01T12:00:00.000Z',
    name: id,
    exists: true,
    biases: false,
    spins: 834,
    couplings: 784 * 40 + 400,
    output: 'none',
    evaluation: null,
    layerSources: [
      { node: "node 'fc1' (Gemm)", stored: '[out, in]' },
      { node: "node 'fc2' (Gemm)", stored: '[out, in]' },
    ],
    opset: 13,
    producer: 'pytorch 1.13.1',
  };
}

function analysis(modelId: string, tc: number): AnalysisDto {
  return {
    id: `a-${modelId}`,
    target: { modelId },
    created: '2026-12-01T12:00:00.000Z',
    report: {
      schema: 'spinscope.analysis/1',
      model: { layers: [784, 40, 10], spins: 834, couplings: 31_760 },
      replica: { C: [1, 1], tc: 1.1 },
      tap: { tc, phase: 'glass', minLambda: 0.01 },
      spectrum: { top: [2] },
    },
  };
}

async function overview(): Promise<Workbench> {
  const b = new FakeBackend();
  b.openProject('/data/phases', 'phases');
  const wide = b.addCompletedRun('relu-784-64-10-s0', [0, 10, 200]);
  wide.arch = [784, 64, 10];
  const deep = b.addCompletedRun('tanh-784-32-32-10-s1', [0, 50]);
  deep.arch = [784, 32, 32, 10];
  deep.activation = 'tanh';
  b.addCompletedRun('relu-784-32-10-s0', [0, 100]);
  b.sweeps.set('relu-784-64-10-s0', sweep({ 0: 3.5, 10: 2.25, 200: 1.875 }));
  b.sweeps.set('tanh-784-32-32-10-s1', sweep({ 0: 0.75, 50: 1.3125 }));
  b.models.set('mlp_tanh', model('mlp_tanh', 0.9));
  b.modelAnalyses.set('mlp_tanh', analysis('mlp_tanh', 2.0625));
  const w = await mountWorkbench(b);
  current = w;
  return w;
}

/** Each row's name and latest T_c as shown, top to bottom. */
function shown(w: Workbench): [string, string][] {
  return w.wrapper
    .findAll(`${sel('runs-table')} tbody tr`)
    .map((tr) => [
      tr.attributes('data-run-id') ?? tr.attributes('data-model-id') ?? '',
      tr.find(`${sel('run-tc')}, ${sel('model-row-tc')}`).text(),
    ]);
}

describe('project overview', () => {
  it('shows the T_c of the last swept checkpoint of each run and of each model’s analysis', async () => {
    const w = await overview();
    expect(shown(w)).toEqual([
      ['relu-784-64-10-s0', '1.875'],
      ['tanh-784-32-32-10-s1', '1.313'],
      // Not swept: no T_c.
      ['relu-784-32-10-s0', '—'],
      ['mlp_tanh', '2.063'],
    ]);
  });

  it('reads a run’s T_c again when its sweep ends', async () => {
    const w = await overview();
    await w.wrapper.findAll(sel('run-select'))[2].trigger('click');
    await w.settle();
    w.backend.sweeps.set('relu-784-32-10-s0', sweep({ 0: 4, 100: 1.5 }));
    w.backend.emit(EVENTS.jobUpdate, {
      id: 'job-sweep',
      kind: 'sweep',
      label: 'sweep',
      status: 'completed',
      progress: null,
      error: null,
      submittedAt: '2026-12-01T12:00:01.000Z',
      startedAt: null,
      endedAt: null,
      target: { runId: 'relu-784-32-10-s0' },
    });
    await w.settle();
    expect(shown(w)[2]).toEqual(['relu-784-32-10-s0', '1.500']);
  });

  it('sorts by a column on a click of its header, ascending then descending, unknowns last', async () => {
    const w = await overview();
    const header = (key: string) => w.wrapper.find(sel(`runs-col-${key}`));
    expect(header('tc').attributes('aria-sort')).toBe('none');

    await w.wrapper.find(sel('sort-tc')).trigger('click');
    expect(header('tc').attributes('aria-sort')).toBe('ascending');
    expect(shown(w).map(([id]) => id)).toEqual([
      'tanh-784-32-32-10-s1',
      'relu-784-64-10-s0',
      'mlp_tanh',
      'relu-784-32-10-s0',
    ]);
    await w.wrapper.find(sel('sort-tc')).trigger('click');
    expect(header('tc').attributes('aria-sort')).toBe('descending');
    expect(shown(w).map(([, tc]) => tc)).toEqual(['2.063', '1.875', '1.313', '—']);

    // Architectures: shallower first, then width by width.
    await w.wrapper.find(sel('sort-arch')).trigger('click');
    expect(header('tc').attributes('aria-sort')).toBe('none');
    expect(header('arch').attributes('aria-sort')).toBe('ascending');
    expect(shown(w).map(([id]) => id)).toEqual([
      'relu-784-32-10-s0',
      'mlp_tanh',
      'relu-784-64-10-s0',
      'tanh-784-32-32-10-s1',
    ]);
    // Accuracy: the fake's last checkpoints all have 95 %, the model 90 %.
    await w.wrapper.find(sel('sort-accuracy')).trigger('click');
    expect(shown(w)[0][0]).toBe('mlp_tanh');
  });

  it('filters on every word typed, over name, architecture, activation and status', async () => {
    const w = await overview();
    const filter = w.wrapper.find(sel('runs-filter'));
    await filter.setValue('tanh');
    expect(shown(w).map(([id]) => id)).toEqual(['tanh-784-32-32-10-s1', 'mlp_tanh']);
    await filter.setValue('TANH imported');
    expect(shown(w).map(([id]) => id)).toEqual(['mlp_tanh']);
    await filter.setValue('784-64-10');
    expect(shown(w).map(([id]) => id)).toEqual(['relu-784-64-10-s0']);
    expect(w.wrapper.find(sel('runs-shown')).text()).toBe('1 of 4');
    await filter.setValue('sigmoid');
    expect(w.wrapper.find(sel('runs-no-match')).text()).toContain('sigmoid');
    await filter.setValue('');
    expect(shown(w)).toHaveLength(4);
  });
});
