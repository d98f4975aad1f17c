/**
 * The power law T_c(t) = b · t^a fitted by least squares of ln T_c on ln t (contract 5): exact
 * recovery, the standard error against SciPy's linregress and against σ²(XᵀX)⁻¹ computed here
 * independently, the 95% interval, and every kind of window.
 */
import { describe, expect, it } from 'vitest';
import {
  fitPowerLaw,
  FitWindowError,
  formatFitWindow,
  parseFitWindow,
  pointsInWindow,
  type FitPoint,
} from '../../../src-main/core/sweep/powerLaw.ts';
import { checkpointSteps } from '../../../src-main/core/train/schedule.ts';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** A fit that must exist. */
function fit(points: FitPoint[], window?: Parameters<typeof fitPowerLaw>[1]) {
  const r = fitPowerLaw(points, window);
  if (r.fit === null) throw new Error(r.problem);
  return r.fit;
}

/** Noisy T_c(t) (a toy sweep); SciPy 1.17's linregress(log(steps), log(tc)) on these gives REFERENCE. */
const STEPS = [3, 7, 15, 40, 90, 200, 480, 1000];
const TC = [1.91, 2.08, 2.21, 2.47, 2.6, 2.93, 3.12, 3.55];
const REFERENCE = {
  slope: 0.10307805897887122,
  intercept: 0.5225472386043681,
  r2: 0.991222832839746,
  stderr: 0.003959881071225306,
  interceptStderr: 0.017713998878647563,
  t975df6: 2.4469118511449786, // scipy.stats.t.ppf(0.975, 6)
};

describe('power-law fit of T_c against the training step', () => {
  it('recovers exponent and prefactor of an exact power law to 1e-12, with R² = 1 and zero standard error', () => {
    for (const [a, b] of [
      [0.2113, 1.37],
      [0.5, 0.8],
      [-0.05, 3.2],
    ]) {
      const steps = checkpointSteps(100_000, 60).slice(1);
      const f = fit(steps.map((s) => ({ step: s, tc: b * s ** a })));
      expect(Math.abs(f.exponent - a)).toBeLessThan(1e-12);
      expect(rel(f.prefactor, b)).toBeLessThan(1e-12);
      expect(Math.abs(f.r2 - 1)).toBeLessThan(1e-12);
      expect(f.exponentStderr!).toBeLessThan(1e-12);
      expect(f.n).toBe(60);
      expect(f.window).toEqual([1, 100_000]);
    }
  });

  it('step 0 is in the sweep but never in the fit (ln 0), whatever its T_c', () => {
    const points = [
      { step: 0, tc: 1.73 },
      ...[1, 10, 100, 1000].map((s) => ({ step: s, tc: 2 * s ** 0.25 })),
    ];
    const f = fit(points);
    expect(f.n).toBe(4);
    expect(f.window).toEqual([1, 1000]);
    expect(Math.abs(f.exponent - 0.25)).toBeLessThan(1e-12);
    // A window that names step 0 still leaves it out.
    expect(fit(points, { kind: 'steps', from: 0, to: 100 }).window).toEqual([1, 100]);
  });

  it('on noisy data: slope, intercept, R², standard errors equal SciPy’s linregress', () => {
    const f = fit(STEPS.map((s, i) => ({ step: s, tc: TC[i] })));
    expect(rel(f.exponent, REFERENCE.slope)).toBeLessThan(1e-12);
    expect(rel(Math.log(f.prefactor), REFERENCE.intercept)).toBeLessThan(1e-12);
    expect(rel(f.r2, REFERENCE.r2)).toBeLessThan(1e-12);
    expect(rel(f.exponentStderr!, REFERENCE.stderr)).toBeLessThan(1e-10);
    expect(rel(f.logPrefactorStderr!, REFERENCE.interceptStderr)).toBeLessThan(1e-10);
    const half = REFERENCE.t975df6 * REFERENCE.stderr;
    expect(rel(f.exponentCi95![0], REFERENCE.slope - half)).toBeLessThan(1e-10);
    expect(rel(f.exponentCi95![1], REFERENCE.slope + half)).toBeLessThan(1e-10);
  });

  it('the standard errors are the diagonal of σ²(XᵀX)⁻¹, σ² = SSR/(n − 2), from raw sums (independent computation)', () => {
    const x = STEPS.map(Math.log);
    const y = TC.map(Math.log);
    const n = x.length;
    const sx = x.reduce((s, v) => s + v, 0);
    const sxx = x.reduce((s, v) => s + v * v, 0);
    const sy = y.reduce((s, v) => s + v, 0);
    const sxy = x.reduce((s, v, i) => s + v * y[i], 0);
    // Normal equations [[n, sx], [sx, sxx]] [c, a] = [sy, sxy], solved by the explicit inverse.
    const det = n * sxx - sx * sx;
    const inv = [sxx / det, -sx / det, -sx / det, n / det];
    const c = inv[0] * sy + inv[1] * sxy;
    const a = inv[2] * sy + inv[3] * sxy;
    const ssr = x.reduce((s, v, i) => s + (y[i] - c - a * v) ** 2, 0);
    const sigma2 = ssr / (n - 2);
    const f = fit(STEPS.map((s, i) => ({ step: s, tc: TC[i] })));
    expect(rel(f.exponent, a)).toBeLessThan(1e-10);
    expect(rel(f.exponentStderr!, Math.sqrt(sigma2 * inv[3]))).toBeLessThan(1e-9);
    expect(rel(f.logPrefactorStderr!, Math.sqrt(sigma2 * inv[0]))).toBeLessThan(1e-9);
  });

  it('two points give the line through them, with no standard error or interval', () => {
    const f = fit([
      { step: 10, tc: 2 },
      { step: 1000, tc: 4 },
    ]);
    expect(rel(f.exponent, Math.log(2) / Math.log(100))).toBeLessThan(1e-14);
    expect(f.exponentStderr).toBeNull();
    expect(f.exponentCi95).toBeNull();
    expect(f.r2).toBe(1);
  });

  it('too few checkpoints, or a T_c that is not positive, is a problem in words, not a fit', () => {
    expect(fitPowerLaw([{ step: 0, tc: 1.7 }])).toEqual({
      fit: null,
      problem: 'no checkpoint after step 0: a fit needs two',
    });
    expect(fitPowerLaw([{ step: 5, tc: 1.7 }], { kind: 'steps', from: 1, to: 10 }).problem).toBe(
      "only one checkpoint in the window '1:10': a fit needs two",
    );
    expect(
      fitPowerLaw([
        { step: 5, tc: 1.7 },
        { step: 6, tc: Number.NaN },
      ]).problem,
    ).toMatch(/T_c at step 6 is NaN/);
  });
});

describe('fit windows', () => {
  const points: FitPoint[] = [0, 1, 2, 5, 10, 20, 50, 100].map((step, i) => ({
    step,
    tc: 1.7 + i,
    phase: step >= 20 || step === 2 ? 'ordered' : 'glass',
  }));
  const steps = (w: Parameters<typeof pointsInWindow>[1]): number[] =>
    pointsInWindow(points, w).map((p) => p.step);

  it('FROM:TO is inclusive at both ends; either end may be open', () => {
    expect(steps(parseFitWindow('5:50'))).toEqual([5, 10, 20, 50]);
    expect(steps(parseFitWindow('6:49'))).toEqual([10, 20]);
    expect(steps(parseFitWindow('10:'))).toEqual([10, 20, 50, 100]);
    expect(steps(parseFitWindow(':2'))).toEqual([1, 2]);
    expect(steps(parseFitWindow('all'))).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(fit(points, parseFitWindow('5:50')).window).toEqual([5, 50]);
  });

  it("'ordered' starts after the last checkpoint that is not ordered (the hidden-order regime)", () => {
    expect(steps({ kind: 'ordered' })).toEqual([20, 50, 100]);
    expect(fitPowerLaw(points.slice(0, 6), { kind: 'ordered' }).problem).toMatch(
      /only one checkpoint in the ordered regime/,
    );
  });

  it('the text round-trips, and bad text says what is expected', () => {
    for (const t of ['5:50', '10:', ':2', 'all', 'ordered'])
      expect(formatFitWindow(parseFitWindow(t))).toBe(t);
    for (const bad of ['', ':', '5-50', 'x:3', '50:5', '1.5:3'])
      expect(() => parseFitWindow(bad)).toThrow(FitWindowError);
    expect(() => parseFitWindow('50:5')).toThrow("window '50:5': the first step (50) is after the last (5)");
    expect(() => parseFitWindow('soon')).toThrow(/expected FROM:TO in training steps/);
  });
});
