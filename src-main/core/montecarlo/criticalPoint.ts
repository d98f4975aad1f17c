/**
 * Monte Carlo estimates of T_c from the per-temperature observables (observables.ts):
 *   - one system size: the peak of a response function (the projection susceptibility, the
 *     specific heat), refined by the parabola through the largest point and its two neighbours;
 *     at finite N the peak is shifted from T_c by finite-size corrections: an estimate, not a limit;
 *   - several sizes: where the Binder cumulants g_N(T) of two sizes cross. g is dimensionless and
 *     size-independent at T_c to leading order (finite-size scaling), so the crossing of the
 *     curves of N₁ < N₂ is T_c up to corrections that vanish as N grows.
 */

import type { MonteCarloReport } from './report.ts';

export interface PeakEstimate {
  /** Temperature of the maximum. */
  T: number;
  /** The maximum value (of the parabola when refined). */
  value: number;
  /** True when the largest value is at the cold or hot end of the ladder: T_c may lie outside it. */
  atEdge: boolean;
}

/** The temperature where y(T) peaks; `temperatures` ascending. Null without finite values. */
export function peakTemperature(
  temperatures: readonly number[],
  values: readonly number[],
): PeakEstimate | null {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i]) && (best < 0 || values[i] > values[best])) best = i;
  }
  if (best < 0) return null;
  if (best === 0 || best === values.length - 1)
    return { T: temperatures[best], value: values[best], atEdge: true };
  // Parabola through (T_{i−1}, y_{i−1}), (T_i, y_i), (T_{i+1}, y_{i+1}) on an uneven grid.
  const [x0, x1, x2] = [temperatures[best - 1], temperatures[best], temperatures[best + 1]];
  const [y0, y1, y2] = [values[best - 1], values[best], values[best + 1]];
  const d01 = (y1 - y0) / (x1 - x0);
  const d12 = (y2 - y1) / (x2 - x1);
  const a = (d12 - d01) / (x2 - x0);
  if (!(a < 0)) return { T: x1, value: y1, atEdge: false };
  const b = d01 - a * (x0 + x1);
  const T = Math.min(x2, Math.max(x0, -b / (2 * a)));
  const value = y0 + d01 * (T - x0) + a * (T - x0) * (T - x1);
  return { T, value, atEdge: false };
}

/** A Binder-cumulant curve of one system size. */
export interface BinderCurve {
  /** Number of spins N. */
  size: number;
  /** Ascending. */
  temperatures: readonly number[];
  binder: readonly number[];
}

export interface BinderCrossing {
  /** The two sizes N₁ < N₂. */
  sizes: [number, number];
  /** Crossing temperature, or null when the curves do not cross inside the common range. */
  T: number | null;
}

/**
 * Crossings of the Binder curves of consecutive sizes (sorted by N), and their mean as the T_c
 * estimate. Each curve is interpolated linearly in T on the union of both grids within the common
 * range; the crossing taken is the hottest sign change of g_{N₂} − g_{N₁} (below T_c the curves can
 * merge and recross in noise; above it the larger system's g is the smaller one).
 */
export function binderCrossings(curves: readonly BinderCurve[]): {
  crossings: BinderCrossing[];
  tc: number | null;
} {
  const sorted = [...curves].sort((a, b) => a.size - b.size);
  const crossings: BinderCrossing[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const [small, large] = [sorted[i], sorted[i + 1]];
    crossings.push({ sizes: [small.size, large.size], T: crossing(small, large) });
  }
  const found = crossings.map((c) => c.T).filter((t): t is number => t !== null);
  return { crossings, tc: found.length ? found.reduce((a, b) => a + b, 0) / found.length : null };
}

function interpolate(c: BinderCurve, T: number): number {
  const t = c.temperatures;
  let i = 0;
  while (i + 2 < t.length && t[i + 1] < T) i++;
  const f = (T - t[i]) / (t[i + 1] - t[i]);
  return c.binder[i] + f * (c.binder[i + 1] - c.binder[i]);
}

function crossing(small: BinderCurve, large: BinderCurve): number | null {
  if (small.temperatures.length < 2 || large.temperatures.length < 2) return null;
  const lo = Math.max(small.temperatures[0], large.temperatures[0]);
  const hi = Math.min(
    small.temperatures[small.temperatures.length - 1],
    large.temperatures[large.temperatures.length - 1],
  );
  if (!(hi > lo)) return null;
  const grid = [
    ...new Set([...small.temperatures, ...large.temperatures].filter((t) => t >= lo && t <= hi)),
  ].sort((a, b) => a - b);
  const diff = grid.map((T) => interpolate(large, T) - interpolate(small, T));
  for (let i = grid.length - 1; i > 0; i--) {
    if (diff[i] === 0) return grid[i];
    if (Math.sign(diff[i]) !== Math.sign(diff[i - 1]) && diff[i - 1] !== 0) {
      return grid[i - 1] + ((grid[i] - grid[i - 1]) * diff[i - 1]) / (diff[i - 1] - diff[i]);
    }
  }
  return null;
}

/**
 * The Binder curve of a Monte Carlo report: of the replica overlap q (spin glass) or of the
 * projection m on J's top eigenvector (hidden order). Feed the curves of runs of several sizes —
 * networks of the same kind, e.g. the same architecture at several widths — to binderCrossings.
 */
export function binderCurve(report: MonteCarloReport, observable: 'overlap' | 'projection'): BinderCurve {
  return {
    size: report.model.spins,
    temperatures: report.temperatures.map((t) => t.T),
    binder: report.temperatures.map((t) =>
      observable === 'overlap' ? t.overlap.binder.value : t.projection.binder.value,
    ),
  };
}

export const FINITE_SIZE_SCHEMA = 'spinscope.montecarloSizes/1';

/** Several Monte Carlo runs of one kind of network at different sizes, and their Binder crossings. */
export interface FiniteSizeReport {
  schema: typeof FINITE_SIZE_SCHEMA;
  /** Sorted by the number of spins. */
  runs: MonteCarloReport[];
  binderCrossing: {
    /** Of the replica overlap q: the spin-glass transition. */
    overlap: { crossings: BinderCrossing[]; tc: number | null };
    /** Of the projection m on J's top eigenvector: the hidden-order transition. */
    projection: { crossings: BinderCrossing[]; tc: number | null };
  };
  warnings: string[];
}

/** T_c from the Binder crossings of runs of different sizes (at least two distinct sizes). */
export function finiteSizeReport(reports: readonly MonteCarloReport[]): FiniteSizeReport {
  const runs = [...reports].sort((a, b) => a.model.spins - b.model.spins);
  const warnings: string[] = [];
  const sizes = new Set(runs.map((r) => r.model.spins));
  if (sizes.size < runs.length) {
    warnings.push('some runs have the same number of spins: a Binder crossing compares different sizes');
  }
  const overlap = binderCrossings(runs.map((r) => binderCurve(r, 'overlap')));
  const projection = binderCrossings(runs.map((r) => binderCurve(r, 'projection')));
  if (overlap.tc === null && projection.tc === null) {
    warnings.push(
      'no Binder curves cross inside the common temperature range: widen --tmin/--tmax or run longer',
    );
  }
  return { schema: FINITE_SIZE_SCHEMA, runs, binderCrossing: { overlap, projection }, warnings };
}
