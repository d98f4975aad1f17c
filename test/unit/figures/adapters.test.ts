import { describe, expect, it } from 'vitest';
import {
  lambdaFromSweep,
  lambdaMapFromSweep,
  layerBarsFromSpectra,
  phaseDiagramData,
  tcFromSweeps,
  tcFromSweepSet,
  trainingFromMetrics,
  weightHistograms,
} from '../../../src-main/core/figures/adapters.ts';
import type { Network } from '../../../src-main/core/network/network.ts';
import type { SpectrumReport } from '../../../src-main/core/spectral/report.ts';
import type { PhaseDiagram } from '../../../src-main/core/spin/phaseDiagram.ts';
import { seedGroups, type SweepReport, type SweepSetReport } from '../../../src-main/core/sweep/report.ts';
import { Random } from '../../../src-main/core/util/random.ts';

/** A sweep report of T_c = b·t^a (times a per-seed factor) at a few steps, with λ_min(T) curves. */
function sweepReport(id: string, seed: number, factor: number): SweepReport {
  const steps = [0, 10, 100, 1000];
  const tc = (s: number): number => (s === 0 ? 1 : factor * 0.8 * s ** 0.25);
  return {
    schema: 'spinscope.sweep/1',
    run: {
      id,
      dir: `/runs/${id}`,
      kind: 'run',
      config: { seed, activation: 'relu', arch: [4, 3, 2] } as never,
    },
    model: { layers: [4, 3, 2], spins: 9, couplings: 18 },
    settings: { tMin: null, epsilon: 0, spectrumCount: 10, window: 'all' },
    checkpoints: steps.map((step) => ({
      step,
      tc: tc(step),
      phase: step === 0 ? 'glass' : 'ordered',
      minLambda: 0,
      replicaTc: 1,
      argminT: tc(step),
      epoch: null,
      testAccuracy: null,
      top: [],
      file: `checkpoints/step-${step}.onnx`,
      curve: { T: [1, 2, 4], lambda: [1, 2, 4].map((T) => 1 - tc(step) / T) },
    })),
    powerLaw: {
      exponent: 0.25,
      prefactor: factor * 0.8,
      window: [10, 1000],
      r2: 1,
      n: 3,
      exponentStderr: 0,
      exponentCi95: [0.25, 0.25],
      logPrefactorStderr: 0,
    },
    failures: [],
    warnings: [],
  };
}

describe('adapters from Spinscope reports to figure data', () => {
  it('T_c(t) of sweeps: one series per run, its power-law fit with window', () => {
    const d = tcFromSweeps([sweepReport('relu-0', 1, 1), sweepReport('relu-1', 2, 1.1)]);
    expect(d.series.map((s) => s.name)).toEqual(['relu-0', 'relu-1']);
    expect(d.series[1].y[3]).toBeCloseTo(1.1 * 0.8 * 1000 ** 0.25, 12);
    expect(d.fits[1]).toMatchObject({ name: 'relu-1', exponent: 0.25, window: [10, 1000] });
    expect(d.fits[1].prefactor).toBeCloseTo(1.1 * 0.8, 15);
  });

  it('a seed group gives the mean T_c with its 95% Student-t interval as error bars', () => {
    const runs = [sweepReport('s1', 1, 0.9), sweepReport('s2', 2, 1), sweepReport('s3', 3, 1.1)];
    const set: SweepSetReport = {
      schema: 'spinscope.sweep-set/1',
      project: null,
      settings: runs[0].settings,
      runs,
      groups: seedGroups(runs),
      warnings: [],
    };
    const d = tcFromSweepSet(set);
    expect(d.series).toHaveLength(1);
    const at100 = [0.9, 1, 1.1].map((f) => f * 0.8 * 100 ** 0.25);
    const mean = at100.reduce((s, x) => s + x, 0) / 3;
    const sd = Math.sqrt(at100.reduce((s, x) => s + (x - mean) ** 2, 0) / 2);
    // t_{0.975, 2 df} = 4.302652729911275
    expect(d.series[0].y[2]).toBeCloseTo(mean, 12);
    expect(d.series[0].yHigh?.[2]).toBeCloseTo(mean + (4.302652729911275 * sd) / Math.sqrt(3), 9);
    expect(d.fits[0].prefactor).toBeCloseTo(0.8, 12);
  });

  it('λ_min(T) of chosen steps, and a clear message when the sweep has no curves', () => {
    const r = sweepReport('relu-0', 1, 1);
    const d = lambdaFromSweep(r, { steps: [0, 1000] });
    expect(d.series.map((s) => s.name)).toEqual(['step 0', 'step 1000']);
    expect(d.series[0].y).toEqual([0, 0.5, 0.75]);
    expect(lambdaFromSweep(r, { count: 2 }).series.map((s) => s.name)).toEqual(['step 0', 'step 1000']);
    expect(() => lambdaFromSweep(r, { steps: [5] })).toThrow(/steps 5 are not among the swept checkpoints/);
    const bare = { ...r, checkpoints: r.checkpoints.map(({ curve: _curve, ...c }) => c) };
    expect(() => lambdaFromSweep(bare)).toThrow(/--curves/);
  });

  it('the phase diagram: cells reordered to ascending T, T_c per step; a relative grid puts T_c at 1', () => {
    const cell = (T: number, tc: number) => ({
      T,
      relativeT: T / tc,
      phase: T >= tc ? 'paramagnet' : 'hiddenOrder',
    });
    const diagram = {
      schema: 'spinscope.phaseDiagram/1',
      grid: { kind: 'absolute', values: [3, 2, 1] },
      checkpoints: [100, 10].map((step) => {
        const tc = step === 10 ? 1.5 : 2.5;
        return { step, tc, cells: [3, 2, 1].map((T) => cell(T, tc)) };
      }),
    } as unknown as PhaseDiagram;
    const d = phaseDiagramData(diagram);
    expect(d.steps).toEqual([10, 100]);
    expect(d.temperatures).toEqual([1, 2, 3]);
    expect(d.phases).toEqual([
      ['hiddenOrder', 'paramagnet', 'paramagnet'],
      ['hiddenOrder', 'hiddenOrder', 'paramagnet'],
    ]);
    expect(d.tc).toEqual([1.5, 2.5]);
    const relative = phaseDiagramData({
      ...diagram,
      grid: { kind: 'relative', values: [1.2, 0.8] },
      checkpoints: [
        {
          ...diagram.checkpoints[0],
          cells: [cell(3, 2.5), cell(2, 2.5)].map((c) => ({ ...c, relativeT: c.T / 2.5 })),
        },
      ],
    } as unknown as PhaseDiagram);
    expect(relative.y.label).toBe('T/T_c');
    expect(relative.tc).toEqual([1]);
    expect(relative.phases[0]).toEqual(['hiddenOrder', 'paramagnet']);
  });

  it('training curves: train records for the loss, checkpoint records for test accuracy', () => {
    const records = [
      { type: 'train' as const, step: 20, epoch: 0.2, loss: 1.5, accuracy: 0.6, steps: 10 },
      { type: 'checkpoint' as const, step: 10, epoch: 0.1, file: 'x', testLoss: 2, testAccuracy: 0.3 },
      { type: 'train' as const, step: 10, epoch: 0.1, loss: 2.1, accuracy: 0.4, steps: 10 },
    ];
    expect(trainingFromMetrics([{ name: 'r', records }], 'loss').series[0]).toEqual({
      name: 'r',
      x: [10, 20],
      y: [2.1, 1.5],
    });
    expect(trainingFromMetrics([{ name: 'r', records }], 'testAccuracy').series[0].y).toEqual([0.3]);
  });

  it('weight histograms count every weight once, on one grid shared by the layers', () => {
    const rng = new Random(5);
    const layer = (n: number, m: number) => ({
      inFeatures: n,
      outFeatures: m,
      weight: Float32Array.from({ length: n * m }, () => rng.normal()),
      activation: { kind: 'relu' },
    });
    const net = {
      inputSize: 30,
      layers: [layer(30, 20), layer(20, 5)],
      output: 'none',
    } as unknown as Network;
    const d = weightHistograms(net, { bins: 16 });
    expect(d.series[0].edges).toBe(d.series[1].edges);
    expect(d.series.map((s) => s.counts.reduce((a, b) => a + b, 0))).toEqual([600, 100]);
    // Direct count of one bin, independently of the binning loop.
    const [lo, hi] = [d.series[1].edges[7], d.series[1].edges[8]];
    const direct = [...net.layers[1].weight].filter((w) => w >= lo && w < hi).length;
    expect(d.series[1].counts[7]).toBe(direct);
  });

  it('per-layer bars take the WeightWatcher metric of each layer, null where a fit is missing', () => {
    const layers = [
      { powerLaw: { alpha: 3.5 }, stableRank: 10, eigenvalues: [0.1, 5], mp: { lambdaPlus: 2 } },
      { powerLaw: null, stableRank: 4, eigenvalues: [0.1, 0.2], mp: { lambdaPlus: 2 } },
    ];
    const report = { layers } as unknown as SpectrumReport;
    const alpha = layerBarsFromSpectra([{ name: 'step 0', report }], 'alpha');
    expect(alpha.layers).toEqual(['W^{(1)}', 'W^{(2)}']);
    expect(alpha.series[0].values).toEqual([3.5, null]);
    expect(layerBarsFromSpectra([{ name: 's', report }], 'mpSpikes').series[0].values).toEqual([1, 0]);
  });
});

describe('the λ_min(T, t) map of a sweep', () => {
  it('interpolates each checkpoint’s curve onto the common grid: exact for a curve linear in T', () => {
    // λ_min = T − T_c, linear in T: linear interpolation must reproduce it at every grid point.
    const r = sweepReport('relu-0', 1, 1);
    const linear = {
      ...r,
      checkpoints: r.checkpoints.map((c) => ({
        ...c,
        curve: { T: [0.5, 1.5, 4], lambda: [0.5, 1.5, 4].map((T) => T - c.tc) },
      })),
    };
    const d = lambdaMapFromSweep(linear, { points: 11 });
    expect(d.temperatures[0]).toBe(0.5);
    expect(d.temperatures[10]).toBe(4);
    d.steps.forEach((_, i) =>
      d.temperatures.forEach((T, j) => expect(d.values?.cells[i][j]).toBeCloseTo(T - d.tc[i], 12)),
    );
    // Phases: paramagnet from T_c up, below it the checkpoint's Hessian phase.
    const step100 = d.steps.indexOf(100);
    d.temperatures.forEach((T, j) =>
      expect(d.phases[step100][j]).toBe(T >= d.tc[step100] ? 'paramagnet' : 'hiddenOrder'),
    );
    // Step 0 (T_c = 1, a glass) at T = 0.5 < T_c.
    expect(d.phases[d.steps.indexOf(0)][0]).toBe('glass');
    // Outside a curve's scan there is no value.
    const wider = lambdaMapFromSweep(linear, { temperatures: [0.25, 1, 5] });
    expect(wider.values?.cells[0]).toEqual([null, 0, null]);
  });
});
