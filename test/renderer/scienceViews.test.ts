// @vitest-environment happy-dom
/**
 * The workbench's scientific views on the in-memory backend (fakeBackend.ts): the run dashboard
 * (training curves, T_c(t) with its power law and an adjustable fit window), the checkpoint
 * browser's detail (λ_min(T), spectrum, WeightWatcher table; up/down walk through training) and
 * the phase diagram (cells, hover text, click-through), and the checkpoint's Monte Carlo check
 * (on reports of real parallel-tempering runs). Numbers shown are checked against values known
 * independently of the code under test (exact power laws, closed-form least squares, SK).
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type {
  LambdaCurveDto,
  MonteCarloDto,
  PhaseDiagramDto,
  SpectrumDto,
  SweepReportDto,
} from '../../src-main/api/contract.ts';
import ChartPanel from '../../src-renderer/src/components/ChartPanel.vue';
import { num, phaseCells, smoothEma } from '../../src-renderer/src/charts/options.ts';
import aroundTc from '../fixtures/montecarlo/around.json' with { type: 'json' };
import belowTc from '../fixtures/montecarlo/below.json' with { type: 'json' };
import { FakeBackend } from './fakeBackend.ts';
import { mountWorkbench, type Workbench } from './mountWorkbench.ts';

// happy-dom lays nothing out: give elements the size of a chart so ECharts draws at a real size.
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 320 });
});

let current: Workbench | null = null;
afterEach(() => {
  current?.wrapper.unmount();
  current = null;
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

const RUN = 'relu-784-32-10-s0';
const STEPS = [0, 10, 100, 1000, 10_000, 100_000];

/** A project with one completed run, selected, on the given tab. */
async function start(setup: (b: FakeBackend) => void = () => {}, tab?: string): Promise<Workbench> {
  const backend = new FakeBackend();
  backend.openProject('/data/phases', 'phases');
  backend.addCompletedRun(
    RUN,
    STEPS,
    Array.from({ length: 20 }, (_, i) => ({
      step: 50 * (i + 1),
      epoch: (i + 1) / 10,
      loss: 2 / (i + 1),
      accuracy: 0.5 + i / 50,
    })),
  );
  setup(backend);
  const w = await mountWorkbench(backend);
  current = w;
  await w.wrapper.find(sel('run-select')).trigger('click');
  await w.settle();
  if (tab) {
    await w.wrapper.find(sel(`tab-${tab}`)).trigger('click');
    await w.settle();
  }
  return w;
}

const sel = (id: string): string => `[data-testid="${id}"]`;

/** The ChartPanel whose label starts with `label`. */
function chartPanel(w: Workbench, label: string) {
  const panel = w.wrapper
    .findAllComponents(ChartPanel)
    .find((c) => String((c.props() as { label: string }).label).startsWith(label));
  if (!panel) throw new Error(`no chart labelled ${label}…`);
  return panel;
}

/** The ECharts option that chart draws. */
function chartOption(w: Workbench, label: string): unknown {
  return (chartPanel(w, label).props() as { option: unknown }).option;
}
const text = (w: Workbench, id: string): string =>
  w.byTestId(id).textContent?.replace(/\s+/g, ' ').trim() ?? '';

/**
 * T_c = b t^a exp(ε·[0, 1, 0]) at t = 10, 100, 1000 (a = 0.25, b = 0.8, ε = 0.01), then saturated.
 * Least squares over those three (x = ln t evenly spaced by h = ln 10) has, in closed form,
 * slope a exactly, ln b̂ = ln b + ε/3 and se(a) = ε / (h √3).
 */
const A = 0.25;
const B = 0.8;
const EPS = 0.01;
function sweepReport(): SweepReportDto {
  const tc = (t: number, bump = 0): number => B * t ** A * Math.exp(bump);
  const points = [
    { step: 0, tc: 1.2, phase: 'glass' },
    { step: 10, tc: tc(10), phase: 'ordered' },
    { step: 100, tc: tc(100, EPS), phase: 'ordered' },
    { step: 1000, tc: tc(1000), phase: 'ordered' },
    { step: 10_000, tc: tc(1000), phase: 'ordered' },
    { step: 100_000, tc: tc(1000), phase: 'ordered' },
  ];
  return {
    schema: 'spinscope.sweep/1',
    checkpoints: points.map((p) => ({ ...p, minLambda: p.phase === 'ordered' ? -0.1 : 0.02 })),
    powerLaw: null,
  };
}

describe('run dashboard', () => {
  it('offers a sweep when the run has none, and shows its progress while it runs', async () => {
    const w = await start(undefined, 'dashboard');
    expect(text(w, 'sweep-none')).toContain('No sweep of this run yet');
    await w.wrapper.find(sel('sweep-start')).trigger('click');
    await w.settle();
    expect(w.backend.callsOf('runs.sweep')).toEqual([{ runId: RUN }]);
    const job = w.backend.lastJob();
    w.backend.progress(job.id, 0.4, 'step 100: TAP Hessian scan', 12);
    await w.settle();
    expect(w.byTestId('inline-job').dataset.jobId).toBe(job.id);
    expect(text(w, 'inline-job-percent')).toBe('40 %');
    // The run is not "running" because its sweep is: its status comes from its training job.
    expect(text(w, 'run-status')).toBe('completed');

    w.backend.onComplete.set(job.id, () => w.backend.sweeps.set(RUN, sweepReport()));
    w.backend.finish(job.id, 'completed');
    await w.settle();
    expect(w.allByTestId('sweep-none')).toHaveLength(0);
    expect(w.byTestId('fit-summary')).toBeTruthy();
  });

  it('shows the exponent of the power law over the fit window chosen with the two handles', async () => {
    const w = await start((b) => b.sweeps.set(RUN, sweepReport()), 'dashboard');
    // Every checkpoint with t > 0: the saturated tail pulls the exponent below a.
    const all = Number(text(w, 'fit-exponent').split(' ')[0]);
    expect(all).toBeLessThan(A - 0.05);
    expect(text(w, 'fit-window')).toBe('steps 10–100000 (5 checkpoints)');

    // Move the last handle to step 1000: the pure power law with its bump.
    const to = w.wrapper.find(sel('window-to-range'));
    (to.element as HTMLInputElement).value = '2';
    await to.trigger('input');
    await w.settle();
    expect(text(w, 'window-to')).toBe('1000');
    expect(text(w, 'fit-window')).toBe('steps 10–1000 (3 checkpoints)');
    const se = EPS / (Math.log(10) * Math.sqrt(3));
    expect(text(w, 'fit-exponent')).toBe(`${A.toPrecision(4)} ± ${se.toPrecision(4)}`);
    expect(text(w, 'fit-prefactor')).toBe((B * Math.exp(EPS / 3)).toPrecision(4));

    // The chart draws that fit across that window: T = b̂ t^a at both ends.
    const option = chartOption(w, 'T_c(t)') as { series: { name: string; data: [number, number][] }[] };
    const fit = option.series.find((s) => s.name.startsWith('fit'))!;
    expect(fit.data[0][0]).toBeCloseTo(10, 9);
    expect(fit.data.at(-1)![0]).toBeCloseTo(1000, 9);
    expect(fit.data[0][1]).toBeCloseTo(B * Math.exp(EPS / 3) * 10 ** A, 9);

    // Two handles on one checkpoint: no fit, and the reason in words.
    const from = w.wrapper.find(sel('window-from-range'));
    (from.element as HTMLInputElement).value = '2';
    await from.trigger('input');
    await w.settle();
    expect(text(w, 'fit-problem')).toMatch(/only one checkpoint in the window '1000:1000': a fit needs two/);

    await w.wrapper.find(sel('window-reset')).trigger('click');
    await w.settle();
    expect(Number(text(w, 'fit-exponent').split(' ')[0])).toBe(all);
  });

  it('exports T_c(t) with the on-screen fit window as a figure bundle through figures.export', async () => {
    const w = await start((b) => b.sweeps.set(RUN, sweepReport()), 'dashboard');
    const to = w.wrapper.find(sel('window-to-range'));
    (to.element as HTMLInputElement).value = '2';
    await to.trigger('input');
    await w.settle();
    const panel = w.allByTestId('chart-panel').find((e) => e.dataset.chart?.startsWith('T_c(t)'))!;
    (panel.querySelector(sel('export-bundle')) as HTMLButtonElement).click();
    await w.settle();
    // The spec passed the contract's schema (the fake dispatches through it) and started a job.
    expect(w.allByTestId('error-banner')).toHaveLength(0);
    const [call] = w.backend.callsOf('figures.export') as {
      name: string;
      spec: {
        schema: string;
        panels: { data: { kind: string; fits: { exponent: number; window: number[] }[] } }[];
      };
    }[];
    expect(call.name).toBe(`t-c-t-${RUN}`);
    expect(call.spec.schema).toBe('spinscope.figure/1');
    const fit = call.spec.panels[0].data.fits[0];
    expect(fit.exponent).toBeCloseTo(A, 12);
    expect(fit.window).toEqual([10, 1000]);

    const job = w.backend.lastJob();
    expect(job.kind).toBe('figure');
    w.backend.onComplete.set(job.id, () => {
      w.backend.job(job.id).result = {
        files: ['/data/phases/figures/t-c-t.pdf', '/data/phases/figures/t-c-t.svg'],
      };
    });
    w.backend.finish(job.id, 'completed');
    await w.settle();
    expect(text(w, 'export-bundle-status')).toBe('written to figures/: t-c-t.pdf, t-c-t.svg');
  });

  it('smooths the training curves with a debiased EMA and keeps the raw curve faint', async () => {
    const w = await start(undefined, 'dashboard');
    const option = (): {
      series: { name: string; data: [number, number][]; lineStyle?: { opacity: number } }[];
    } => chartOption(w, 'Training') as never;
    const loss = option().series.find((s) => s.name === 'loss')!;
    // EMA with weight w, debiased: the first point is the raw value; the second is
    // (w(1−w)x0 + (1−w)x1) / (1 − w²).
    const wgt = 0.6;
    expect(loss.data[0][1]).toBeCloseTo(2, 12);
    expect(loss.data[1][1]).toBeCloseTo((wgt * (1 - wgt) * 2 + (1 - wgt) * 1) / (1 - wgt ** 2), 12);
    expect(option().series.find((s) => s.name === 'loss (raw)')!.lineStyle!.opacity).toBeLessThan(0.5);
    // Checkpoints are marked with their test values; on a log axis step 0 is left off.
    expect(
      option()
        .series.find((s) => s.name === 'test accuracy')!
        .data.map((p) => p[0]),
    ).toEqual(STEPS);
    await w.wrapper.find(sel('training-logx')).setValue(true);
    await w.settle();
    expect(
      option()
        .series.find((s) => s.name === 'test accuracy')!
        .data.map((p) => p[0]),
    ).toEqual(STEPS.slice(1));
    expect(smoothEma([1, 2, 3], 0)).toEqual([1, 2, 3]);
  });

  it('exports the T_c(t) chart as an SVG file', async () => {
    const w = await start((b) => b.sweeps.set(RUN, sweepReport()), 'dashboard');
    const clicked: { download: string; href: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ download: this.download, href: this.href });
    });
    const panel = w.allByTestId('chart-panel').find((e) => e.dataset.chart?.startsWith('T_c(t)'))!;
    (panel.querySelector(sel('export-svg')) as HTMLButtonElement).click();
    await w.settle();
    expect(w.allByTestId('export-error')).toHaveLength(0);
    expect(clicked).toHaveLength(1);
    expect(clicked[0].download).toBe(`t-c-t-${RUN}.svg`);
    const svg = decodeURIComponent(clicked[0].href.replace(/^data:image\/svg\+xml;charset=utf-8,/, ''));
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('T_c (temperature T, log)');
  });
});

/** SK-like λ_min(T) = (1 − 1/T)² on a grid: touches 0 at T = 1 (science.md §3's check). */
function skCurve(step: number): LambdaCurveDto {
  const T = Array.from({ length: 31 }, (_, i) => 0.5 + i * 0.05);
  return {
    runId: RUN,
    step,
    T,
    lambda: T.map((t) => (1 - 1 / t) ** 2),
    tc: 1,
    phase: 'glass',
    minLambda: 0,
    argminT: 1,
    replicaTc: 1.0004,
    source: 'sweep',
  };
}

function spectrum(step: number): SpectrumDto {
  const layer = (k: number, shape: [number, number], alpha: number) => ({
    layer: k,
    shape,
    N: Math.max(...shape),
    M: Math.min(...shape),
    q: Math.min(...shape) / Math.max(...shape),
    eigenvalues: [0.1, 0.2, 0.3],
    powerLaw: { alpha, alphaError: 0.125, xmin: 0.2, D: 0.05, tailSize: 12 },
    mp: { lambdaMinus: 0.01, lambdaPlus: 2.5, spikes: 3, significantSpikes: 2, sigma2: 1 },
    stableRank: 4.5,
    log10FrobeniusNorm: 1.25,
    log10SpectralNorm: 0.75,
  });
  return {
    runId: RUN,
    step,
    referenceStep: 0,
    report: {
      schema: 'spinscope.spectrum/1',
      model: { layers: [784, 32, 10], spins: 826, couplings: 25408 },
      density: {
        method: 'dense',
        spins: 826,
        eigenvalues: null,
        largest: [5.5, 4.25, 2.1],
        histogram: {
          edges: [-6, -2, 2, 6],
          counts: [2, 822, 2],
          density: [2 / 826 / 4, 822 / 826 / 4, 2 / 826 / 4],
          floor: 1 / 826 / 4,
          total: 826,
        },
        logHistogram: { edges: [1, 10], counts: [3], density: [1], floor: 1, total: 3 },
        edge: { value: 3.5, used: 'reference', reference: 3.5, shuffled: 3.6 },
        outliers: { values: [5.5, 4.25], count: 2, complete: true },
      },
      layers: [layer(1, [784, 32], 2.5), layer(2, [32, 10], 3.75)],
      warnings: [],
    },
  };
}

describe('checkpoint browser', () => {
  it('shows the selected checkpoint’s λ_min(T) with its T_c, and walks through training with up/down', async () => {
    const w = await start((b) => {
      for (const s of [10, 100]) b.curves.set(`${RUN}@${s}`, skCurve(s));
    });
    expect(text(w, 'checkpoint-hint')).toContain('Select a checkpoint');
    await w.wrapper.findAll(sel('checkpoint-select'))[1].trigger('click');
    await w.settle();
    expect(text(w, 'detail-step')).toBe('10');
    expect(text(w, 'detail-tc')).toBe('1.000');
    expect(text(w, 'detail-phase')).toBe('glass (λ_min touches 0)');
    const curveChart = chartOption(w, 'lambda_min') as {
      series: { data: [number, number][]; markLine: { data: { xAxis?: number }[] } }[];
    };
    expect(curveChart.series[0].markLine.data[0].xAxis).toBe(1);
    expect(Math.min(...curveChart.series[0].data.map((p) => p[1]))).toBe(0);

    const table = w.wrapper.find(sel('checkpoints-scroll'));
    await table.trigger('keydown', { key: 'ArrowDown' });
    await w.settle();
    expect(text(w, 'detail-step')).toBe('100');
    expect(w.byTestId('checkpoint-detail').dataset.step).toBe('100');
    await table.trigger('keydown', { key: 'ArrowDown' });
    await w.settle();
    expect(text(w, 'detail-step')).toBe('1000');
    expect(text(w, 'detail-no-curve')).toContain('Not analysed yet');
    await table.trigger('keydown', { key: 'ArrowUp' });
    await table.trigger('keydown', { key: 'ArrowUp' });
    await table.trigger('keydown', { key: 'ArrowUp' });
    await table.trigger('keydown', { key: 'ArrowUp' });
    await w.settle();
    expect(text(w, 'detail-step')).toBe('0');
    expect(w.backend.callsOf('checkpoints.curve').map((a) => (a as { step: number }).step)).toEqual([
      10, 100, 1000, 100, 10, 0,
    ]);
  });

  it('computes a missing spectrum with a job, then shows its edge, outliers and layer diagnostics', async () => {
    const w = await start();
    await w.wrapper.findAll(sel('checkpoint-select'))[3].trigger('click');
    await w.settle();
    await w.wrapper.find(sel('detail-spectrum-start')).trigger('click');
    await w.settle();
    expect(w.backend.callsOf('spectra.start')).toEqual([{ runId: RUN, step: 1000 }]);
    const job = w.backend.lastJob();
    w.backend.progress(job.id, 0.5, 'WeightWatcher diagnostics per layer');
    await w.settle();
    expect(w.byTestId('inline-job').dataset.jobId).toBe(job.id);

    w.backend.onComplete.set(job.id, () => w.backend.spectra.set(`${RUN}@1000`, spectrum(1000)));
    w.backend.finish(job.id, 'completed');
    await w.settle();
    expect(text(w, 'detail-lambda-max')).toBe('5.500');
    expect(text(w, 'detail-edge')).toBe('3.500 (λ_max at step 0)');
    expect(text(w, 'detail-outliers')).toBe('2: 5.500, 4.250');
    expect(w.allByTestId('layer-alpha').map((e) => e.textContent?.trim())).toEqual([
      '2.500 ± 0.1250',
      '3.750 ± 0.1250',
    ]);
    expect(w.allByTestId('layer-spikes').map((e) => e.textContent?.trim())).toEqual(['3 (2)', '3 (2)']);
    // The outliers sit on the density floor of the log axis, mirrored at −λ (J's spectrum is symmetric).
    const option = chartOption(w, 'spectrum') as {
      series: { name: string; data: [number, number | null][] }[];
    };
    expect(option.series.find((s) => s.name === 'outliers')!.data).toEqual([
      [5.5, 1 / 826 / 4],
      [-5.5, 1 / 826 / 4],
      [4.25, 1 / 826 / 4],
      [-4.25, 1 / 826 / 4],
    ]);
  });

  it('says why a spectrum job failed', async () => {
    const w = await start();
    await w.wrapper.findAll(sel('checkpoint-select'))[2].trigger('click');
    await w.settle();
    await w.wrapper.find(sel('detail-spectrum-start')).trigger('click');
    await w.settle();
    w.backend.finish(w.backend.lastJob().id, 'failed', 'step-000100.onnx: no such file');
    await w.settle();
    expect(text(w, 'detail-job-error')).toContain('step-000100.onnx: no such file');
  });
});

describe('Monte Carlo check', () => {
  // Real parallel-tempering reports of a small spiked (hidden-order) net, 24-24-8 spins
  // (test/fixtures/montecarlo/generate.ts): one with the ladder around its TAP T_c (≈ 5), one whose
  // ladder stops below it (the χ_m peak sits at the hot end: no estimate, and a warning says so).
  const around = aroundTc as unknown as MonteCarloDto['report'];
  const below = belowTc as unknown as MonteCarloDto['report'];
  const at = (step: number, report: MonteCarloDto['report']): MonteCarloDto =>
    structuredClone({ runId: RUN, step, report });
  type Series = {
    name: string;
    type: string;
    data: unknown[];
    markLine?: { data: { name: string; xAxis: number }[] };
  };
  const seriesOf = (w: Workbench, label: string): Series[] =>
    (chartOption(w, label) as { series: Series[] }).series;

  it('runs as a job with progress and cancel, then shows the report', async () => {
    const w = await start();
    await w.wrapper.findAll(sel('checkpoint-select'))[3].trigger('click');
    await w.settle();
    expect(text(w, 'montecarlo-none')).toContain('Parallel tempering');
    await w.wrapper.find(sel('montecarlo-start')).trigger('click');
    await w.settle();
    expect(w.backend.callsOf('montecarlo.start')).toEqual([{ runId: RUN, step: 1000 }]);
    const first = w.backend.lastJob();
    w.backend.progress(first.id, 0.4, 'sweep 2400 of 6000');
    await w.settle();
    expect(text(w, 'montecarlo')).toContain('sweep 2400 of 6000');
    expect(
      w.byTestId('montecarlo').querySelector('[data-testid="inline-job"]')!.getAttribute('data-job-id'),
    ).toBe(first.id);
    await w.wrapper.find(sel('montecarlo-cancel')).trigger('click');
    await w.settle();
    expect(w.backend.callsOf('jobs.cancel')).toEqual([{ jobId: first.id }]);
    // Cancelling is a request: the job ends when the worker stops, and the button comes back.
    w.backend.finish(first.id, 'cancelled');
    await w.settle();
    expect(w.allByTestId('montecarlo-cancel')).toHaveLength(0);
    expect(text(w, 'montecarlo-none')).toContain('Parallel tempering');

    await w.wrapper.find(sel('montecarlo-start')).trigger('click');
    await w.settle();
    const second = w.backend.lastJob();
    w.backend.onComplete.set(second.id, () => w.backend.montecarlo.set(`${RUN}@1000`, at(1000, around)));
    w.backend.finish(second.id, 'completed');
    await w.settle();
    expect(w.allByTestId('montecarlo-row')).toHaveLength(8);
    expect(text(w, 'montecarlo-start')).toBe('Run the Monte Carlo check again');
  });

  it('states the Monte Carlo, TAP and replica T_c of the report and marks the first two on every chart', async () => {
    const w = await start((b) => b.montecarlo.set(`${RUN}@100`, at(100, around)));
    await w.wrapper.findAll(sel('checkpoint-select'))[2].trigger('click');
    await w.settle();
    // The ladder brackets the TAP T_c and the susceptibility peaks inside it: an estimate exists.
    expect(around.tc.estimate).not.toBeNull();
    expect(text(w, 'montecarlo-tc')).toBe(num(around.tc.estimate!));
    expect(text(w, 'montecarlo-tap-tc')).toBe(`${num(around.tc.tap!.tc)} (ordered)`);
    expect(text(w, 'montecarlo-replica-tc')).toBe(num(around.tc.replica!));
    expect(text(w, 'montecarlo-c-peak')).toBe(num(around.tc.specificHeatPeak!.T));
    for (const label of ['energy per spin', 'specific heat', 'projection susceptibility', 'overlap']) {
      const option = chartOption(w, `Monte Carlo ${label}`) as {
        xAxis: { name: string };
        series: Series[];
      };
      expect(option.xAxis.name).toBe('temperature T');
      expect(option.series[0].markLine!.data.map((m) => m.xAxis)).toEqual([
        around.tc.tap!.tc,
        around.tc.estimate,
      ]);
    }
    expect(w.allByTestId('montecarlo-warnings')).toHaveLength(0);
  });

  it('draws every value with its jackknife error bar, value ± error, as the table states them', async () => {
    const w = await start((b) => b.montecarlo.set(`${RUN}@100`, at(100, around)));
    await w.wrapper.findAll(sel('checkpoint-select'))[2].trigger('click');
    await w.settle();
    const t = around.temperatures;
    const bars = (label: string, name: string): number[][] =>
      seriesOf(w, `Monte Carlo ${label}`).find((s) => s.type === 'custom' && s.name === name)!
        .data as number[][];
    const expected = (pick: (x: (typeof t)[number]) => { value: number; error: number }): number[][] =>
      t.map((x) => [x.T, pick(x).value - pick(x).error, pick(x).value + pick(x).error]);
    expect(bars('energy per spin', 'E/N')).toEqual(expected((x) => x.energyPerSpin));
    expect(bars('specific heat', 'C/N')).toEqual(expected((x) => x.specificHeat));
    expect(bars('projection susceptibility', 'χ_m')).toEqual(expected((x) => x.projection.susceptibility));
    expect(bars('overlap', '⟨q²⟩')).toEqual(expected((x) => x.overlap.squared));
    expect(bars('overlap', 'Binder g_q')).toEqual(expected((x) => x.overlap.binder));
    // Error bars are not empty: the jackknife found fluctuations at every temperature.
    expect(t.every((x) => x.specificHeat.error > 0)).toBe(true);
    const firstRow = [...w.allByTestId('montecarlo-row')[0].querySelectorAll('td')].map((c) => c.textContent);
    expect(firstRow[0]).toBe(`${num(t[0].energyPerSpin.value)} ± ${num(t[0].energyPerSpin.error)}`);
    expect(firstRow[2]).toBe(
      `${num(t[0].projection.susceptibility.value)} ± ${num(t[0].projection.susceptibility.error)}`,
    );
  });

  it('shows P(q) at the coldest and hottest temperatures and the swap acceptance of each pair', async () => {
    const w = await start((b) => b.montecarlo.set(`${RUN}@100`, at(100, around)));
    await w.wrapper.findAll(sel('checkpoint-select'))[2].trigger('click');
    await w.settle();
    const pq = seriesOf(w, 'Monte Carlo P(q)');
    expect(pq.map((s) => s.name)).toEqual([0, 2, 5, 7].map((i) => `T = ${num(around.temperatures[i].T)}`));
    // Bin centres of 40 bins over [−1, 1]; a density, so Σ P(q) Δq = 1 at each temperature.
    const cold = pq[0].data as [number, number][];
    expect(cold[0][0]).toBeCloseTo(-1 + 1 / 40, 12);
    expect(cold.reduce((a, [, p]) => a + p * (2 / 40), 0)).toBeCloseTo(1, 9);
    // Hidden order below T_c: P(q) has its weight at large |q|; the paramagnet at q ≈ 0.
    const mean = (d: [number, number][]): number =>
      d.reduce((a, [q, p]) => a + Math.abs(q) * p * (2 / 40), 0);
    expect(mean(cold)).toBeGreaterThan(3 * mean(pq[3].data as [number, number][]));
    const swaps = seriesOf(w, 'Monte Carlo swap acceptance')[0].data as { value: [number, number] }[];
    expect(swaps.map((p) => p.value[1])).toEqual(around.swaps.map((s) => s.acceptance));
    expect(swaps[0].value[0]).toBeCloseTo(Math.sqrt(around.swaps[0].T[0] * around.swaps[0].T[1]), 12);
  });

  it('says when the ladder misses T_c: no estimate, where χ_m peaks, and the report’s warning', async () => {
    const w = await start((b) => b.montecarlo.set(`${RUN}@100`, at(100, below)));
    await w.wrapper.findAll(sel('checkpoint-select'))[2].trigger('click');
    await w.settle();
    expect(below.tc.estimate).toBeNull();
    expect(text(w, 'montecarlo-tc')).toBe(
      `— (χ_m peaks at ${num(below.tc.projectionSusceptibilityPeak!.T)} (at a ladder end: T_c may lie outside))`,
    );
    const warnings = [...w.byTestId('montecarlo-warnings').querySelectorAll('li')].map((l) => l.textContent);
    expect(warnings).toEqual(below.warnings);
    expect(warnings.join(' ')).toMatch(/hot end of the ladder/);
    // Only the TAP T_c is marked.
    expect(seriesOf(w, 'Monte Carlo specific heat')[0].markLine!.data.map((m) => m.name)).toEqual([
      `TAP T_c = ${num(below.tc.tap!.tc)}`,
    ]);
  });

  it('says why a Monte Carlo job failed', async () => {
    const w = await start();
    await w.wrapper.findAll(sel('checkpoint-select'))[2].trigger('click');
    await w.settle();
    await w.wrapper.find(sel('montecarlo-start')).trigger('click');
    await w.settle();
    w.backend.finish(w.backend.lastJob().id, 'failed', 'montecarlo: need 0 < tMin ≤ tMax');
    await w.settle();
    expect(text(w, 'detail-job-error')).toContain('need 0 < tMin ≤ tMax');
  });
});

describe('spectrum evolution', () => {
  /** The spectrum of `step` with λ_max = `top`. */
  const at = (step: number, top: number): SpectrumDto => {
    const s = spectrum(step);
    s.report.density.largest = [top];
    return s;
  };

  it('walks through the computed spectra with a slider and plots λ_max against the bulk edge', async () => {
    const w = await start((b) => {
      b.spectra.set(`${RUN}@0`, at(0, 3.5));
      b.spectra.set(`${RUN}@100`, at(100, 4.5));
      b.spectra.set(`${RUN}@1000`, at(1000, 6.25));
    }, 'spectra');
    expect(text(w, 'spectra-step')).toBe('step 0');
    const slider = w.wrapper.find(sel('spectra-slider'));
    (slider.element as HTMLInputElement).value = '2';
    await slider.trigger('input');
    await w.settle();
    expect(text(w, 'spectra-step')).toBe('step 1000');
    expect(text(w, 'spectra-facts')).toBe('λ_max 6.250, 2 outliers');
    // Step 1000 drawn over step 0 (the reference), on one λ range for all.
    const option = chartOption(w, 'spectrum evolution') as {
      series: { name: string }[];
      xAxis: { min: number; max: number };
    };
    expect(option.series.map((s) => s.name)).toEqual(['step 0', 'step 1000']);
    expect([option.xAxis.min, option.xAxis.max]).toEqual([-6, 6]);
    const trend = chartOption(w, 'lambda_max through training') as { series: { data: number[][] }[] };
    expect(trend.series[0].data).toEqual([
      [100, 4.5],
      [1000, 6.25],
    ]);
  });

  it('computes spectra only where missing, at checkpoints spread evenly over the log-spaced schedule', async () => {
    const w = await start((b) => {
      b.spectra.set(`${RUN}@0`, at(0, 3.5));
      b.spectra.set(`${RUN}@1000`, at(1000, 6.25));
    }, 'spectra');
    await w.wrapper.find(sel('spectra-count')).setValue('3');
    await w.wrapper.find(sel('spectra-form')).trigger('submit');
    await w.settle();
    // Three of the six checkpoints by index (0, 3, 5): steps 0, 1000 and 100 000; two exist.
    expect(w.backend.callsOf('spectra.start')).toEqual([{ runId: RUN, step: 100_000 }]);
    expect(text(w, 'spectra-running')).toContain('Computing 1 spectrum');
  });
});

/** Three checkpoints × three temperatures; T_c(t) = 1, 1.5, 2. */
function diagram(): PhaseDiagramDto {
  const tcs: Record<number, number> = { 0: 1, 100: 1.5, 10_000: 2 };
  const cell = (T: number, step: number) => {
    const tc = tcs[step];
    const phase = T > tc ? 'paramagnet' : step === 0 ? 'glass' : 'hiddenOrder';
    return {
      T,
      relativeT: T / tc,
      phase: phase as 'paramagnet' | 'glass' | 'hiddenOrder',
      hessian: phase === 'paramagnet' ? 'paramagnet' : step === 0 ? 'glass' : 'ordered',
      starts: 16,
      converged: 15,
      dominantShare: phase === 'hiddenOrder' ? 0.75 : 0,
      clusters: [{ size: 15, paramagnet: phase === 'paramagnet', physical: true, q: 0.3 }],
    };
  };
  return {
    runId: RUN,
    diagram: {
      schema: 'spinscope.phaseDiagram/1',
      grid: { kind: 'absolute', values: [2.5, 1.75, 0.5] },
      checkpoints: [0, 100, 10_000].map((step) => ({
        step,
        tc: tcs[step],
        hessianPhase: step === 0 ? 'glass' : 'ordered',
        minLambda: 0,
        replicaTc: 1,
        topEigenvalue: 2,
        cells: [2.5, 1.75, 0.5].map((T) => cell(T, step)),
      })),
      settings: { starts: 16 },
      seconds: 1,
      warnings: [],
    },
  };
}

describe('phase diagram', () => {
  it('needs the sweep for its temperature grid, then computes with the chosen sizes', async () => {
    const w = await start(undefined, 'phase');
    expect(text(w, 'phase-none')).toContain('sweep the run first');
    expect((w.byTestId('phase-start') as HTMLButtonElement).disabled).toBe(true);
    current!.wrapper.unmount();

    const v = await start((b) => b.sweeps.set(RUN, sweepReport()), 'phase');
    await v.wrapper.find(sel('phase-starts')).setValue('8');
    await v.wrapper.find(sel('phase-form')).trigger('submit');
    await v.settle();
    expect(v.backend.callsOf('phaseDiagrams.start')).toEqual([
      { runId: RUN, maxCheckpoints: 16, temperatureCount: 12, starts: 8 },
    ]);
    const job = v.backend.lastJob();
    v.backend.progress(job.id, 0.25, 'step 100 (2/16): TAP solutions');
    await v.settle();
    expect(text(v, 'inline-job-percent')).toBe('25 %');
    v.backend.onComplete.set(job.id, () => v.backend.phaseDiagrams.set(RUN, diagram()));
    v.backend.finish(job.id, 'completed');
    await v.settle();
    // T > T_c: paramagnet (5 cells); below it, glass at step 0 (1) and hidden order later (1 + 2).
    expect(text(v, 'phase-count-paramagnet')).toBe('5');
    expect(text(v, 'phase-count-glass')).toBe('1');
    expect(text(v, 'phase-count-hiddenOrder')).toBe('3');
  });

  it('asks the tap job to count glass valleys by Monte Carlo, and shows them on hover', async () => {
    const w = await start((b) => {
      b.sweeps.set(RUN, sweepReport());
      const d = diagram();
      // Step 0 at T = 0.5: 32 copies in valleys of 8, 8, 6, 5, 3, and 2 in none (their average is
      // the paramagnet's) — the largest holds 25 %: glass.
      d.diagram.checkpoints[0].cells[2].valleys = {
        copies: 32,
        valleys: [8, 8, 6, 5, 3].map((size) => ({ size })),
        paramagnetic: 2,
        largestShare: 8 / 32,
        verdict: 'glass',
      };
      b.phaseDiagrams.set(RUN, d);
    }, 'phase');
    const option = chartOption(w, 'phase diagram') as {
      tooltip: { formatter(p: { seriesName: string; dataIndex: number; value: number[] }): string };
    };
    const glassCell = option.tooltip.formatter({ seriesName: 'glass', dataIndex: 0, value: [] });
    expect(glassCell).toContain('Monte Carlo valleys: 5 in 32 copies (2 paramagnetic), largest 25 % → glass');
    const orderedCell = option.tooltip.formatter({ seriesName: 'hidden order', dataIndex: 0, value: [] });
    expect(orderedCell).not.toContain('valleys');

    await w.wrapper.find(sel('phase-valleys')).setValue(true);
    await w.wrapper.find(sel('phase-form')).trigger('submit');
    await w.settle();
    expect(w.backend.callsOf('phaseDiagrams.start')).toEqual([
      { runId: RUN, maxCheckpoints: 16, temperatureCount: 12, starts: 16, valleys: true },
    ]);
  });

  it('places cells on the log-step axis between geometric midpoints, step 0 one spacing to the left', () => {
    const cells = phaseCells(diagram().diagram);
    const col = (step: number): [number, number] => cells.find((c) => c.step === step)!.x;
    // Steps 100 and 10 000: midpoint √(100·10 000) = 1000; step 0 sits at 100/100 = 1.
    expect(col(100)).toEqual([10, 1000]);
    expect(col(10_000)[0]).toBe(1000);
    expect(col(10_000)[1]).toBeCloseTo(1e5, 6);
    expect(col(0)[1]).toBe(10);
    // Rows: T = 0.5, 1.75, 2.5 → boundaries at the midpoints 1.125 and 2.125.
    const row = (T: number): [number, number] => cells.find((c) => c.step === 0 && c.T === T)!.y;
    expect(row(1.75)).toEqual([1.125, 2.125]);
    expect(row(0.5)[1]).toBe(1.125);
    expect(row(2.5)[0]).toBe(2.125);
  });

  it('opens the checkpoint of a clicked cell in the checkpoint browser', async () => {
    const w = await start((b) => {
      b.sweeps.set(RUN, sweepReport());
      b.phaseDiagrams.set(RUN, diagram());
    }, 'phase');
    const chart = chartPanel(w, 'phase diagram');
    // The hidden-order series holds, in order, step 100 at T = 0.5, step 10 000 at T = 1.75 and 0.5.
    // Hovering that cell shows its numbers.
    const option = chartOption(w, 'phase diagram') as {
      tooltip: { formatter(p: { seriesName: string; dataIndex: number; value: number[] }): string };
    };
    const hover = option.tooltip.formatter({ seriesName: 'hidden order', dataIndex: 2, value: [] });
    expect(hover).toContain('step 10000, T = 0.5000 (T/T_c = 0.2500)');
    expect(hover).toContain('T_c = 2.000');
    expect(hover).toContain('TAP starts converged: 15/16');
    expect(hover).toContain('largest ± pair: 75 % of starts');
    chart.vm.$emit('chart-click', { seriesName: 'hidden order', dataIndex: 2 });
    await w.settle();
    expect(w.byTestId('tab-checkpoints').getAttribute('aria-selected')).toBe('true');
    expect(text(w, 'detail-step')).toBe('10000');
  });
});
