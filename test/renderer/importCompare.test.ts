// @vitest-environment happy-dom
/**
 * The import view (an ONNX file → its report → "Analyse") and the compare view (two checkpoints,
 * or a checkpoint and an imported model) on the in-memory backend. The numbers shown are checked
 * against the data the backend sent: the layer table against the reader's widths and storage, the
 * B − A column against differences computed here, the histogram counts against the weight count.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type {
  AnalysisDto,
  LambdaCurveDto,
  LayerWeightsDto,
  ModelDto,
  SpectrumDto,
} from '../../src-main/api/contract.ts';
import { weightOverlayOption } from '../../src-renderer/src/charts/compareOptions.ts';
import { LIGHT } from '../../src-renderer/src/charts/style.ts';
import ChartPanel from '../../src-renderer/src/components/ChartPanel.vue';
import { FakeBackend } from './fakeBackend.ts';
import { mountWorkbench, type Workbench } from './mountWorkbench.ts';

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 320 });
});

let current: Workbench | null = null;
afterEach(() => {
  current?.wrapper.unmount();
  current = null;
  document.body.innerHTML = '';
});

const RUN = 'relu-784-32-10-s0';
const sel = (id: string): string => `[data-testid="${id}"]`;
const text = (el: Element | undefined): string => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

function chartOption(w: Workbench, label: string): unknown {
  const panel = w.wrapper
    .findAllComponents(ChartPanel)
    .find((c) => String((c.props() as { label: string }).label).startsWith(label));
  if (!panel) throw new Error(`no chart labelled ${label}…`);
  return (panel.props() as { option: unknown }).option;
}

function model(): ModelDto {
  return {
    id: 'gemm_bias_relu',
    file: 'models/gemm_bias_relu/model.onnx',
    source: '/data/exports/gemm_bias_relu/model.onnx',
    layers: [784, 40, 24, 10],
    activations: ['relu', 'relu', 'identity'],
    accuracy: 0.9354,
    warnings: ["node 'fc3' (Gemm): output Softmax left out"],
    importedAt: '2026-12-01T12:00:00.000Z',
    name: 'gemm_bias_relu',
    exists: true,
    biases: true,
    spins: 858,
    couplings: 784 * 40 + 40 * 24 + 24 * 10,
    output: 'none',
    evaluation: { accuracy: 0.9354, samples: 10_000, consistency: 3.1e-6 },
    layerSources: [
      { node: "node 'fc1' (Gemm)", stored: '[out, in]' },
      { node: "node 'fc2' (Gemm)", stored: '[out, in]' },
      { node: "node 'fc3' (MatMul)", stored: '[in, out]' },
    ],
    opset: 13,
    producer: 'pytorch 1.13.1',
  };
}

/** λ_min(T) = (1 − tc/T)² · s − shift on a grid of T (shape only matters for what is drawn). */
function curveValues(tc: number): { T: number[]; lambda: number[] } {
  const T = Array.from({ length: 21 }, (_, i) => 0.5 + 0.1 * i);
  return { T, lambda: T.map((t) => (1 - tc / t) ** 2) };
}

function analysis(tc: number): AnalysisDto {
  return {
    id: 'a-1',
    target: { modelId: 'gemm_bias_relu' },
    created: '2026-12-01T12:00:00.000Z',
    report: {
      schema: 'spinscope.analysis/1',
      model: { layers: [784, 40, 24, 10], spins: 858, couplings: 32_560 },
      replica: { C: [2.4, 2.3, 3.1], tc: 1.74 },
      tap: { tc, phase: 'ordered', minLambda: -0.0296, argminT: 1.5, curve: curveValues(tc) },
      spectrum: { top: [3.7875, 3.55] },
    },
  };
}

function curve(step: number, tc: number, phase: string): LambdaCurveDto {
  return {
    runId: RUN,
    step,
    ...curveValues(tc),
    tc,
    phase,
    minLambda: phase === 'glass' ? 0.02 : -0.25,
    argminT: tc,
    replicaTc: 1.5,
    source: 'sweep',
  };
}

function spectrum(
  step: number,
  top: number,
  alphas: [number, number],
  stableRanks: [number, number],
): SpectrumDto {
  const layer = (k: number, shape: [number, number]) => ({
    layer: k,
    shape,
    N: Math.max(...shape),
    M: Math.min(...shape),
    q: Math.min(...shape) / Math.max(...shape),
    eigenvalues: [0.1, 0.2],
    powerLaw: { alpha: alphas[k - 1], alphaError: 0.1, xmin: 0.2, D: 0.05, tailSize: 12 },
    mp: { lambdaMinus: 0.01, lambdaPlus: 2.5, spikes: 3, significantSpikes: 2, sigma2: 1 },
    stableRank: stableRanks[k - 1],
    log10FrobeniusNorm: 1 + k / 4,
    log10SpectralNorm: 0.5 + step / 1000,
  });
  return {
    runId: RUN,
    step,
    referenceStep: 0,
    report: {
      schema: 'spinscope.spectrum/1',
      model: { layers: [784, 32, 10], spins: 826, couplings: 25_408 },
      density: {
        method: 'dense',
        spins: 826,
        eigenvalues: null,
        largest: [top, 2],
        histogram: {
          edges: [-8, -2, 2, 8],
          counts: [2, 822, 2],
          density: [2 / 826 / 6, 822 / 826 / 4, 2 / 826 / 6],
          floor: 1 / 826 / 6,
          total: 826,
        },
        logHistogram: { edges: [1, 10], counts: [3], density: [1], floor: 1, total: 3 },
        edge: { value: 3.5, used: 'reference', reference: 3.5, shuffled: 3.6 },
        outliers: { values: step ? [top] : [], count: step ? 1 : 0, complete: true },
      },
      layers: [layer(1, [784, 32]), layer(2, [32, 10])],
      warnings: [],
    },
  };
}

/** Weights binned in 4 bins per layer; counts add up to in × out. */
function weights(spread: number): LayerWeightsDto[] {
  const layer = (k: number, shape: [number, number]): LayerWeightsDto => {
    const n = shape[0] * shape[1];
    const counts = [Math.floor(n / 8), Math.floor((3 * n) / 8), Math.floor((3 * n) / 8)];
    counts.push(n - counts[0] - counts[1] - counts[2]);
    return {
      layer: k,
      shape,
      count: n,
      mean: 0,
      std: spread / Math.sqrt(shape[0]),
      min: -2 * spread,
      max: 2 * spread,
      edges: [-2, -1, 0, 1, 2].map((e) => e * spread),
      counts,
    };
  };
  return [layer(1, [784, 32]), layer(2, [32, 10])];
}

async function start(setup: (b: FakeBackend) => void = () => {}): Promise<Workbench> {
  const backend = new FakeBackend();
  backend.openProject('/data/phases', 'phases');
  backend.addCompletedRun(RUN, [0, 100, 1000]);
  setup(backend);
  const w = await mountWorkbench(backend);
  current = w;
  return w;
}

describe('import ONNX view', () => {
  it('imports a path through a job, then shows the reader’s report: layers, storage, biases, accuracy, consistency', async () => {
    const w = await start();
    await w.wrapper.find(sel('open-import')).trigger('click');
    await w.settle();
    await w.wrapper.find(sel('import-path')).setValue('  /data/exports/gemm_bias_relu/model.onnx ');
    await w.wrapper.find(sel('import-form')).trigger('submit');
    await w.settle();
    expect(w.backend.callsOf('models.import')).toEqual([{ path: '/data/exports/gemm_bias_relu/model.onnx' }]);
    const job = w.backend.lastJob();
    expect(job.kind).toBe('import');
    w.backend.progress(job.id, 0.5, 'evaluating on MNIST');
    await w.settle();
    expect(text(w.byTestId('inline-job'))).toContain('50 %');

    // The worker writes models/<id>; the job's result is the model's summary.
    w.backend.models.set('gemm_bias_relu', model());
    w.backend.job(job.id).result = { id: 'gemm_bias_relu' };
    w.backend.finish(job.id, 'completed');
    await w.settle();

    const report = w.byTestId('model-report');
    expect(report.dataset.modelId).toBe('gemm_bias_relu');
    expect(w.allByTestId('model-layer-widths').map(text)).toEqual(['784 → 40', '40 → 24', '24 → 10']);
    expect(w.allByTestId('model-layer-stored').map(text)).toEqual([
      '[out, in] (transposed on reading)',
      '[out, in] (transposed on reading)',
      '[in, out]',
    ]);
    expect(text(w.byTestId('model-biases'))).toMatch(/^present: dropped from the spin model/);
    expect(text(w.byTestId('model-accuracy'))).toBe('93.54 % on 10000 images');
    expect(text(w.byTestId('model-consistency'))).toMatch(
      /^3\.10e-6 — the spin model is built from the same network/,
    );
    expect(text(w.byTestId('model-warnings'))).toContain("node 'fc3' (Gemm): output Softmax left out");
    // The overview table lists the model next to the run.
    const row = w.wrapper.find('[data-testid="model-row"][data-model-id="gemm_bias_relu"]');
    expect(text(row.find(sel('model-row-accuracy')).element)).toBe('93.54 %');
    expect(w.allByTestId('run-row')).toHaveLength(1);
  });

  it('shows the reader’s explanation of an unsupported graph and what Spinscope maps', async () => {
    const w = await start();
    await w.wrapper.find(sel('open-import')).trigger('click');
    await w.settle();
    await w.wrapper.find(sel('import-path')).setValue('/data/cnn.onnx');
    await w.wrapper.find(sel('import-form')).trigger('submit');
    await w.settle();
    const reason =
      "/data/cnn.onnx: node 'Conv_3' (Conv) is not a dense layer; Spinscope maps fully connected networks only";
    w.backend.finish(w.backend.lastJob().id, 'failed', reason);
    await w.settle();
    expect(w.byTestId('import-error').getAttribute('role')).toBe('alert');
    expect(text(w.byTestId('import-error-message'))).toBe(reason);
    expect(text(w.byTestId('import-supported'))).toContain('Gemm or MatMul');
    expect(w.allByTestId('model-report')).toHaveLength(0);
  });

  it('imports a dropped file by its path in the desktop app; in a browser it uploads it', async () => {
    const w = await start();
    await w.wrapper.find(sel('open-import')).trigger('click');
    await w.settle();
    const drop = async (file: File): Promise<void> => {
      const e = new Event('drop', { bubbles: true, cancelable: true });
      Object.defineProperty(e, 'dataTransfer', { value: { files: [file] } });
      w.byTestId('import-drop').dispatchEvent(e);
      await w.settle();
    };
    // The desktop app's preload knows where the file is (webUtils.getPathForFile).
    const win = window as unknown as { spinscope?: unknown };
    win.spinscope = {
      invoke: () => Promise.resolve({ ok: true, value: null }),
      onEvent: () => () => {},
      pathForFile: (f: File) => `/data/dropped/${f.name}`,
    };
    try {
      await drop(new File(['x'], 'mlp.onnx'));
    } finally {
      delete win.spinscope;
    }
    expect(w.backend.callsOf('models.import')).toEqual([{ path: '/data/dropped/mlp.onnx' }]);
    expect(w.backend.callsOf('models.upload')).toEqual([]);

    // A browser gives no path: the bytes go up in chunks of 2 MiB and arrive whole.
    const bytes = Uint8Array.from({ length: 2 * 1024 * 1024 + 3 }, (_, i) => (i * 7919) % 251);
    await drop(new File([bytes], 'big.onnx'));
    // Reading each slice of the file is asynchronous: wait for the import job the last chunk starts.
    await vi.waitFor(() => expect(w.backend.callsOf('models.upload')).toHaveLength(2));
    await w.settle();
    expect(w.allByTestId('error-banner').map((e) => e.textContent)).toEqual([]);
    const calls = w.backend.callsOf('models.upload') as { offset: number; total: number; name: string }[];
    expect(calls.map((c) => [c.name, c.offset, c.total])).toEqual([
      ['big.onnx', 0, bytes.length],
      ['big.onnx', 2 * 1024 * 1024, bytes.length],
    ]);
    const received = [...w.backend.uploads.values()][0].bytes;
    expect(received.length).toBe(bytes.length);
    expect(received.every((b, i) => b === bytes[i])).toBe(true);
    // The last chunk started the import, followed like a typed path's.
    expect(w.backend.lastJob().kind).toBe('import');
    expect(w.allByTestId('inline-job')).toHaveLength(1);
  });

  it('analyses the model: T_c, phase and λ_min(T) from the analysis report', async () => {
    const w = await start((b) => b.models.set('gemm_bias_relu', model()));
    await w.wrapper.find(sel('model-select')).trigger('click');
    await w.settle();
    await w.wrapper.find(sel('model-analyse')).trigger('click');
    await w.settle();
    expect(w.backend.callsOf('analyses.start')).toEqual([{ target: { modelId: 'gemm_bias_relu' } }]);
    const job = w.backend.lastJob();
    expect(job.target).toEqual({ modelId: 'gemm_bias_relu' });
    w.backend.modelAnalyses.set('gemm_bias_relu', analysis(2.0264535));
    w.backend.finish(job.id, 'completed');
    await w.settle();
    expect(text(w.byTestId('model-tc'))).toBe('2.026');
    expect(text(w.byTestId('model-phase'))).toBe('hidden order (λ_min crosses 0)');
    expect(text(w.byTestId('model-lambda-max'))).toBe('3.788');
    const option = chartOption(w, 'lambda_min(T) model') as {
      series: { data: number[][]; markLine: { data: { xAxis?: number }[] } }[];
    };
    const { T, lambda } = curveValues(2.0264535);
    expect(option.series[0].data).toEqual(T.map((t, i) => [t, lambda[i]]));
    expect(option.series[0].markLine.data[0].xAxis).toBe(2.0264535);
  });
});

describe('compare view', () => {
  function twoCheckpoints(b: FakeBackend): void {
    b.curves.set(`${RUN}@0`, curve(0, 1.25, 'glass'));
    b.curves.set(`${RUN}@1000`, curve(1000, 2.5, 'ordered'));
    b.spectra.set(`${RUN}@0`, spectrum(0, 3.5, [5.5, 6], [20, 8]));
    b.spectra.set(`${RUN}@1000`, spectrum(1000, 7.25, [2.75, 3.5], [6.5, 3]));
    b.weights.set(`${RUN}@0`, weights(1));
    b.weights.set(`${RUN}@1000`, weights(1.5));
  }

  const rowCells = (w: Workbench, key: string): string[] => {
    const row = w.wrapper.find(`[data-testid="compare-metric-row"][data-metric="${key}"]`);
    return ['compare-a', 'compare-b', 'compare-diff'].map((id) => text(row.find(sel(id)).element));
  };

  it('puts the first and last checkpoints side by side with B − A for every metric', async () => {
    const w = await start(twoCheckpoints);
    await w.wrapper.find(sel('open-compare')).trigger('click');
    await w.settle();
    expect((w.byTestId('compare-pick-a') as HTMLSelectElement).value).toBe(`run:${RUN}@0`);
    expect((w.byTestId('compare-pick-b') as HTMLSelectElement).value).toBe(`run:${RUN}@1000`);
    expect(rowCells(w, 'tc')).toEqual(['1.250', '2.500', '+1.250']);
    expect(rowCells(w, 'phase')).toEqual(['glass', 'hidden order', 'changed']);
    expect(rowCells(w, 'lambdaMax')).toEqual(['3.500', '7.250', '+3.750']);
    expect(rowCells(w, 'outliers')).toEqual(['0', '1', '+1']);
    expect(rowCells(w, 'alpha1')).toEqual(['5.500', '2.750', '-2.750']);
    expect(rowCells(w, 'stableRank2')).toEqual(['8.000', '3.000', '-5.000']);
    // log10 spectral norm 0.5 + step/1000: B − A = 1.
    expect(rowCells(w, 'logSpectral1')).toEqual(['0.5000', '1.500', '+1.000']);
    // Weight std spread/√784: 1/28 and 1.5/28, difference 0.5/28.
    expect(rowCells(w, 'std1')).toEqual([
      (1 / 28).toPrecision(4),
      (1.5 / 28).toPrecision(4),
      `+${(0.5 / 28).toPrecision(4)}`,
    ]);

    // Swapping A and B changes the sign of every difference.
    await w.wrapper.find(sel('compare-swap')).trigger('click');
    await w.settle();
    expect(rowCells(w, 'tc')).toEqual(['2.500', '1.250', '-1.250']);
  });

  it('overlays λ_min(T), the spectra and the weights of each layer; histogram counts add up to the weights', async () => {
    const w = await start(twoCheckpoints);
    await w.wrapper.find(sel('open-compare')).trigger('click');
    await w.settle();
    const lambda = chartOption(w, 'compare lambda_min') as {
      series: { name: string; markLine: { data: { xAxis?: number }[] } }[];
    };
    expect(lambda.series.map((s) => s.name)).toEqual([`A: ${RUN} step 0`, `B: ${RUN} step 1000`]);
    expect(lambda.series.map((s) => s.markLine.data[0].xAxis)).toEqual([1.25, 2.5]);
    const spectra = chartOption(w, 'compare spectra') as { series: { data: (number | null)[][] }[] };
    expect(spectra.series).toHaveLength(2);
    expect(spectra.series[0].data[1]).toEqual([0, 822 / 826 / 4]);

    expect(w.allByTestId('compare-weight-layer').map((e) => e.dataset.layer)).toEqual(['1', '2']);
    const counts = w.allByTestId('compare-weight-counts').map(text);
    expect(counts[0]).toMatch(new RegExp(`^A: ${784 * 32} weights, .*; B: ${784 * 32} weights`));
    expect(counts[1]).toMatch(new RegExp(`^A: ${32 * 10} weights`));
    // Drawn as densities: Σ density × width = 1 for each side.
    const w1 = chartOption(w, 'compare weights W1') as { series: { data: number[][] }[] };
    for (const [i, spread] of [1, 1.5].entries()) {
      const area = w1.series[i].data.reduce((s, [, d]) => s + d * spread, 0);
      expect(area).toBeCloseTo(1, 12);
    }
  });

  it('compares a checkpoint with an imported model; what the model lacks is shown as —', async () => {
    const w = await start((b) => {
      twoCheckpoints(b);
      b.models.set('gemm_bias_relu', model());
      b.modelAnalyses.set('gemm_bias_relu', analysis(2.0264535));
      b.weights.set('model:gemm_bias_relu', weights(2));
    });
    await w.wrapper.find(sel('open-compare')).trigger('click');
    await w.settle();
    const pickB = w.wrapper.find(sel('compare-pick-b'));
    await pickB.setValue('model:gemm_bias_relu');
    await w.settle();
    expect(w.backend.callsOf('weights.histograms').at(-1)).toEqual({ target: { modelId: 'gemm_bias_relu' } });
    expect(rowCells(w, 'tc')).toEqual(['1.250', '2.026', `+${(2.0264535 - 1.25).toPrecision(4)}`]);
    expect(rowCells(w, 'lambdaMax')).toEqual(['3.500', '3.788', `+${(3.7875 - 3.5).toPrecision(4)}`]);
    expect(rowCells(w, 'alpha1')).toEqual(['5.500', '—', '—']);
    // No spectra for imported models: only A's spectrum is drawn, and B offers no spectrum job.
    expect((chartOption(w, 'compare spectra') as { series: unknown[] }).series).toHaveLength(1);
    expect(w.allByTestId('compare-spectrum-b')).toHaveLength(0);
  });

  it('names each side’s shape when the two networks’ W^(k) differ', () => {
    const [a] = weights(1);
    const b = { ...a, shape: [784, 40] as [number, number], count: 784 * 40 };
    const title = (hs: { name: string; value: LayerWeightsDto }[]) =>
      (weightOverlayOption(1, hs, LIGHT) as { title: { subtext: string } }).title.subtext;
    expect(
      title([
        { name: 'A: x', value: a },
        { name: 'B: y', value: { ...a } },
      ]),
    ).toBe('784 × 32 couplings between layers 0 and 1');
    expect(
      title([
        { name: 'A: x', value: a },
        { name: 'B: y', value: b },
      ]),
    ).toBe('A: 784 × 32, B: 784 × 40');
  });

  it('offers to compute what a checkpoint lacks, and reloads when the job ends', async () => {
    const w = await start((b) => {
      b.weights.set(`${RUN}@0`, weights(1));
      b.weights.set(`${RUN}@1000`, weights(1.5));
    });
    await w.wrapper.find(sel('open-compare')).trigger('click');
    await w.settle();
    await w.wrapper.find(sel('compare-analyse-b')).trigger('click');
    await w.settle();
    expect(w.backend.callsOf('analyses.start')).toEqual([{ target: { runId: RUN, step: 1000 } }]);
    w.backend.curves.set(`${RUN}@1000`, curve(1000, 2.5, 'ordered'));
    w.backend.finish(w.backend.lastJob().id, 'completed');
    await w.settle();
    expect(rowCells(w, 'tc')).toEqual(['—', '2.500', '—']);
  });
});
