/**
 * From Spinscope's reports to figure data: the sweep report (T_c(t), λ_min(T) curves), the sweep
 * set (mean T_c ± 95% CI across seeds), the phase diagram, the spectrum report (densities,
 * per-layer WeightWatcher metrics), the analysis report (λ_min(T)), metrics.jsonl (training
 * curves) and a network's weights (histograms). Pure functions, no I/O: the renderer can use them.
 *
 * Temperatures are T (not β) in units of the couplings, so their unit is ''.
 */
import type { Network } from '../network/network.ts';
import type { SpectrumReport } from '../spectral/report.ts';
import type { AnalysisReport } from '../spin/analysis.ts';
import type { PhaseDiagram } from '../spin/phaseDiagram.ts';
import type { SweepReport, SweepSetReport } from '../sweep/report.ts';
import type { MetricsRecord } from '../train/runFolder.ts';
import type {
  LambdaFamilyData,
  LayerBarsData,
  PhaseDiagramData,
  SpectrumData,
  TcData,
  TrainingData,
  WeightHistogramData,
} from './figureData.ts';
import type { Quantity } from './quantity.ts';

export const STEP: Quantity = { label: 'Training step', unit: '' };
export const TEMPERATURE: Quantity = { label: 'Temperature T', unit: '' };
export const CRITICAL_TEMPERATURE: Quantity = { label: 'T_c', unit: '' };
export const LAMBDA_MIN: Quantity = { label: 'λ_{min}(H)', unit: '' };

export class FigureDataError extends Error {
  override name = 'FigureDataError';
}

/** T_c(t) of one or more runs (one sweep report each), with each run's power-law fit. */
export function tcFromSweeps(reports: readonly SweepReport[]): TcData {
  return {
    kind: 'tc',
    x: STEP,
    y: CRITICAL_TEMPERATURE,
    series: reports.map((r) => ({
      name: r.run.id,
      x: r.checkpoints.map((c) => c.step),
      y: r.checkpoints.map((c) => c.tc),
    })),
    fits: reports.flatMap((r) =>
      r.powerLaw
        ? [
            {
              name: r.run.id,
              exponent: r.powerLaw.exponent,
              prefactor: r.powerLaw.prefactor,
              window: r.powerLaw.window,
            },
          ]
        : [],
    ),
  };
}

/**
 * T_c(t) of each seed group of a sweep set: the mean over seeds with its 95% Student-t interval as
 * error bars, and the power law with the seeds' mean exponent and prefactor over the widest window
 * the runs' fits share.
 */
export function tcFromSweepSet(set: SweepSetReport): TcData {
  return {
    kind: 'tc',
    x: STEP,
    y: CRITICAL_TEMPERATURE,
    series: set.groups.map((g) => ({
      name: g.label,
      x: g.tc.map((p) => p.step),
      y: g.tc.map((p) => p.mean),
      yLow: g.tc.map((p) => p.ci95?.[0] ?? null),
      yHigh: g.tc.map((p) => p.ci95?.[1] ?? null),
    })),
    fits: set.groups.flatMap((g) => {
      const windows = set.runs
        .filter((r) => g.runs.some((m) => m.id === r.run.id) && r.powerLaw)
        .map((r) => r.powerLaw?.window as [number, number]);
      if (!g.exponent || !g.prefactor || windows.length === 0) return [];
      const window: [number, number] = [
        Math.max(...windows.map((w) => w[0])),
        Math.min(...windows.map((w) => w[1])),
      ];
      if (!(window[0] > 0 && window[1] > window[0])) return [];
      return [{ name: g.label, exponent: g.exponent.mean, prefactor: g.prefactor.mean, window }];
    }),
  };
}

/**
 * λ_min(T) at some checkpoints of a sweep run with `curves` (default: up to `count` checkpoints
 * spread evenly over the run, first and last included).
 */
export function lambdaFromSweep(
  report: SweepReport,
  opts: { steps?: number[]; count?: number } = {},
): LambdaFamilyData {
  const withCurves = report.checkpoints.filter((c) => c.curve);
  if (withCurves.length === 0) {
    throw new FigureDataError(
      `the sweep report of ${report.run.id} has no λ_min(T) curves: sweep it again with --curves (spinscope sweep ${report.run.dir} --curves --json)`,
    );
  }
  let chosen: typeof withCurves;
  if (opts.steps) {
    chosen = withCurves.filter((c) => opts.steps?.includes(c.step));
    const missing = opts.steps.filter((s) => !withCurves.some((c) => c.step === s));
    if (missing.length > 0) {
      throw new FigureDataError(
        `steps ${missing.join(', ')} are not among the swept checkpoints of ${report.run.id} (${withCurves.map((c) => c.step).join(', ')})`,
      );
    }
  } else {
    const count = Math.min(opts.count ?? 5, withCurves.length);
    const picks = new Set(
      Array.from({ length: count }, (_, i) =>
        Math.round((i * (withCurves.length - 1)) / Math.max(1, count - 1)),
      ),
    );
    chosen = withCurves.filter((_, i) => picks.has(i));
  }
  return {
    kind: 'lambdaMin',
    x: TEMPERATURE,
    y: LAMBDA_MIN,
    series: chosen.map((c) => ({ name: `step ${c.step}`, x: c.curve?.T ?? [], y: c.curve?.lambda ?? [] })),
  };
}

/** λ_min(T) from analysis reports (`spinscope analyze --json`), one curve each. */
export function lambdaFromAnalyses(
  reports: readonly { name: string; report: AnalysisReport }[],
): LambdaFamilyData {
  return {
    kind: 'lambdaMin',
    x: TEMPERATURE,
    y: LAMBDA_MIN,
    series: reports.map(({ name, report }) => ({ name, x: report.tap.curve.T, y: report.tap.curve.lambda })),
  };
}

/**
 * The phase diagram's cells and T_c line. An absolute grid gives T on the y axis; a relative grid
 * (fractions of each checkpoint's T_c) gives T/T_c, where the T_c line is 1.
 */
export function phaseDiagramData(diagram: PhaseDiagram): PhaseDiagramData {
  const rows = [...diagram.checkpoints].sort((a, b) => a.step - b.step);
  const relative = diagram.grid.kind === 'relative';
  const temperatures = [...diagram.grid.values].sort((a, b) => a - b);
  return {
    kind: 'phaseDiagram',
    x: STEP,
    y: relative ? { label: 'T/T_c', unit: '' } : TEMPERATURE,
    steps: rows.map((r) => r.step),
    temperatures,
    phases: rows.map((r) =>
      temperatures.map((t) => {
        const cell = r.cells.find(
          (c) => Math.abs((relative ? c.relativeT : c.T) - t) <= 1e-12 * Math.max(1, Math.abs(t)),
        );
        return cell?.phase ?? 'undetermined';
      }),
    ),
    tc: rows.map((r) => (relative ? 1 : r.tc)),
  };
}

/**
 * The λ_min(T, t) map of a sweep with `curves`: each checkpoint's λ_min(H(β)) interpolated
 * linearly in T onto a common grid (null outside its scan), T_c(t) on top, and the Hessian phases
 * (science.md §3): paramagnet at T ≥ T_c, below it glass or hidden order as the checkpoint's phase.
 * The grid (T, ascending) defaults to `points` values spanning the scans the checkpoints share.
 */
export function lambdaMapFromSweep(
  report: SweepReport,
  opts: { temperatures?: number[]; points?: number } = {},
): PhaseDiagramData {
  const rows = report.checkpoints.filter((c) => c.curve && c.curve.T.length >= 2);
  if (rows.length === 0) {
    throw new FigureDataError(
      `the sweep report of ${report.run.id} has no λ_min(T) curves: sweep it again with --curves (spinscope sweep ${report.run.dir} --curves --json)`,
    );
  }
  let temperatures = opts.temperatures;
  if (!temperatures) {
    const lo = Math.max(...rows.map((c) => Math.min(...(c.curve?.T ?? []))));
    const hi = Math.min(...rows.map((c) => Math.max(...(c.curve?.T ?? []))));
    const n = opts.points ?? 40;
    if (!(hi > lo))
      throw new FigureDataError('the checkpoints’ temperature scans do not overlap: give temperatures');
    temperatures = Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
  }
  const grid = temperatures;
  return {
    kind: 'phaseDiagram',
    x: STEP,
    y: TEMPERATURE,
    steps: rows.map((c) => c.step),
    temperatures: grid,
    phases: rows.map((c) =>
      grid.map((T) => (T >= c.tc ? 'paramagnet' : c.phase === 'ordered' ? 'hiddenOrder' : 'glass')),
    ),
    tc: rows.map((c) => c.tc),
    values: {
      quantity: LAMBDA_MIN,
      cells: rows.map((c) => grid.map((T) => interpolate(c.curve?.T ?? [], c.curve?.lambda ?? [], T))),
    },
  };
}

/** y(x) by linear interpolation between the points (x ascending); null outside [x_0, x_last]. */
export function interpolate(xs: readonly number[], ys: readonly number[], x: number): number | null {
  if (xs.length === 0 || x < xs[0] || x > xs[xs.length - 1]) return null;
  let k = 1;
  while (k < xs.length - 1 && xs[k] < x) k++;
  const [x0, x1] = [xs[k - 1], xs[k]];
  const t = x1 === x0 ? 0 : (x - x0) / (x1 - x0);
  return ys[k - 1] + t * (ys[k] - ys[k - 1]);
}

/**
 * Eigenvalue densities of J from spectrum reports: the linear histogram over [−range, range], or
 * with `log` the log-binned density of the positive eigenvalues (tails and outliers).
 */
export function spectrumFromReports(
  reports: readonly { name: string; report: SpectrumReport }[],
  opts: { log?: boolean } = {},
): SpectrumData {
  const hist = (r: SpectrumReport) => (opts.log ? r.density.logHistogram : r.density.histogram);
  return {
    kind: 'spectrum',
    x: { label: 'Eigenvalue λ of J', unit: '' },
    y: { label: 'Density ρ(λ)', unit: '' },
    series: reports.map(({ name, report }) => ({
      name,
      edges: hist(report).edges,
      density: hist(report).density,
    })),
    floor: Math.min(...reports.map(({ report }) => hist(report).floor)),
    logX: opts.log ?? false,
  };
}

export type LayerMetric = 'alpha' | 'stableRank' | 'log10SpectralNorm' | 'log10FrobeniusNorm' | 'mpSpikes';

export const LAYER_METRICS: Record<
  LayerMetric,
  { quantity: Quantity; value: (l: SpectrumReport['layers'][number]) => number | null }
> = {
  alpha: { quantity: { label: 'Power-law exponent α', unit: '' }, value: (l) => l.powerLaw?.alpha ?? null },
  stableRank: { quantity: { label: 'Stable rank', unit: '' }, value: (l) => l.stableRank },
  log10SpectralNorm: {
    quantity: { label: 'log_{10} spectral norm of W', unit: '' },
    value: (l) => l.log10SpectralNorm,
  },
  log10FrobeniusNorm: {
    quantity: { label: 'log_{10} Frobenius norm of W', unit: '' },
    value: (l) => l.log10FrobeniusNorm,
  },
  mpSpikes: {
    quantity: { label: 'Eigenvalues above the MP edge', unit: '' },
    value: (l) => l.eigenvalues.filter((e) => e > l.mp.lambdaPlus).length,
  },
};

/** One WeightWatcher metric per layer from spectrum reports, one bar series per report. */
export function layerBarsFromSpectra(
  reports: readonly { name: string; report: SpectrumReport }[],
  metric: LayerMetric,
): LayerBarsData {
  const m = LAYER_METRICS[metric];
  const layers = Math.max(0, ...reports.map((r) => r.report.layers.length));
  return {
    kind: 'layerBars',
    x: { label: 'Layer', unit: '' },
    y: m.quantity,
    layers: Array.from({ length: layers }, (_, k) => `W^{(${k + 1})}`),
    series: reports.map(({ name, report }) => ({
      name,
      values: Array.from({ length: layers }, (_, k) => (report.layers[k] ? m.value(report.layers[k]) : null)),
    })),
  };
}

export type TrainingMetric = 'loss' | 'accuracy' | 'testLoss' | 'testAccuracy';

const TRAINING_QUANTITY: Record<TrainingMetric, Quantity> = {
  loss: { label: 'Training loss', unit: 'nats' },
  accuracy: { label: 'Training accuracy', unit: '' },
  testLoss: { label: 'Test loss', unit: 'nats' },
  testAccuracy: { label: 'Test accuracy', unit: '' },
};

/** A training curve per run from metrics.jsonl: train records for loss/accuracy, checkpoint records for the test metrics. */
export function trainingFromMetrics(
  runs: readonly { name: string; records: readonly MetricsRecord[] }[],
  metric: TrainingMetric,
  opts: { logX?: boolean; logY?: boolean } = {},
): TrainingData {
  return {
    kind: 'training',
    x: STEP,
    y: TRAINING_QUANTITY[metric],
    series: runs.map(({ name, records }) => {
      const points = records
        .flatMap((r): [number, number][] => {
          if ((metric === 'loss' || metric === 'accuracy') && r.type === 'train')
            return [[r.step, r[metric]]];
          if (metric === 'testLoss' && r.type === 'checkpoint') return [[r.step, r.testLoss]];
          if (metric === 'testAccuracy' && r.type === 'checkpoint') return [[r.step, r.testAccuracy]];
          return [];
        })
        .sort((a, b) => a[0] - b[0]);
      return { name, x: points.map((p) => p[0]), y: points.map((p) => p[1]) };
    }),
    ...(opts.logX ? { logX: true } : {}),
    ...(opts.logY ? { logY: true } : {}),
  };
}

/**
 * Histograms of each layer's weights W^(k) on one shared grid of `bins` equal bins spanning all
 * layers (so the outlines are comparable), counts per bin.
 */
export function weightHistograms(
  net: Network,
  opts: { bins?: number; label?: string } = {},
): WeightHistogramData {
  const bins = opts.bins ?? 60;
  let lo = Infinity;
  let hi = -Infinity;
  for (const l of net.layers) {
    for (const w of l.weight) {
      if (w < lo) lo = w;
      if (w > hi) hi = w;
    }
  }
  if (!(hi > lo)) {
    throw new FigureDataError('every weight has the same value: a histogram would be a single spike');
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + ((hi - lo) * i) / bins));
  return {
    kind: 'weightHistogram',
    x: { label: 'Weight W_{ij}', unit: '' },
    y: { label: 'Count', unit: '' },
    series: net.layers.map((l, k) => {
      const counts = new Array<number>(bins).fill(0);
      for (const w of l.weight) counts[Math.min(bins - 1, Math.floor(((w - lo) / (hi - lo)) * bins))] += 1;
      return {
        name: `${opts.label ? `${opts.label} ` : ''}W(${k + 1}) ${l.inFeatures}×${l.outFeatures}`,
        edges,
        counts,
      };
    }),
  };
}
