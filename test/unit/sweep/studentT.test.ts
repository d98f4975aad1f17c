/**
 * Student's t and the seed confidence intervals: quantiles, CDF and incomplete beta against SciPy
 * 1.17 (scipy.stats.t.ppf/cdf, scipy.special.betainc; values printed to 17 digits), closed forms,
 * and the 95% interval of a mean against scipy.stats.t.interval.
 */
import { describe, expect, it } from 'vitest';
import { meanWithConfidence } from '../../../src-main/core/sweep/confidence.ts';
import {
  logGamma,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
} from '../../../src-main/core/sweep/studentT.ts';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** scipy.stats.t.ppf(0.975, df): the two-sided 95% critical values. */
const T975: [number, number][] = [
  [1, 12.706204736174694],
  [2, 4.302652729749462],
  [3, 3.1824463052837078],
  [4, 2.7764451051977934],
  [5, 2.5705818356363146],
  [7, 2.364624251592784],
  [10, 2.228138851986274],
  [20, 2.085963447265864],
  [30, 2.0422724563012378],
  [60, 2.0002978220142604],
  [120, 1.9799304050824402],
  [1000, 1.9623390808264083],
];

describe('Student t quantiles', () => {
  it.each(T975)('t_{0.975, %i} is SciPy’s value to 1e-12', (df, expected) => {
    expect(rel(studentTQuantile(0.975, df), expected)).toBeLessThan(1e-12);
    expect(rel(studentTQuantile(0.025, df), -expected)).toBeLessThan(1e-12);
  });

  it('other levels and fractional degrees of freedom (SciPy)', () => {
    expect(rel(studentTQuantile(0.95, 8), 1.8595480375308973)).toBeLessThan(1e-12);
    expect(rel(studentTQuantile(0.995, 3), 5.840909309733355)).toBeLessThan(1e-12);
    expect(rel(studentTQuantile(0.6, 6), 0.2648345329335734)).toBeLessThan(1e-12);
    expect(rel(studentTQuantile(0.9999, 2.5), 34.867969321116306)).toBeLessThan(1e-10);
    expect(studentTQuantile(0.5, 7)).toBe(0);
  });

  it('the quantile inverts the CDF, including the closed forms for df = 1 and 2 (tan, and (2p−1)/√(2p(1−p)))', () => {
    for (const df of [1, 2, 3, 9, 40]) {
      for (const p of [0.51, 0.8, 0.975, 0.999]) {
        expect(Math.abs(studentTCdf(studentTQuantile(p, df), df) - p)).toBeLessThan(1e-13);
      }
    }
  });

  it('bad arguments are RangeErrors naming the problem', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(/p = 1 must be in \(0, 1\)/);
    expect(() => studentTQuantile(0.9, 0)).toThrow(/degrees of freedom/);
    expect(() => studentTCdf(1, Number.NaN)).toThrow(/degrees of freedom/);
  });
});

describe('Student t CDF and its special functions', () => {
  it.each([
    [0.3, 4, 0.6104392858612702],
    [-1.7, 9, 0.061673831071911926],
    [2.5, 1, 0.8788810584091566],
    [12.0, 3, 0.9993774920996054],
    [0.0, 5, 0.5],
  ])('P(T ≤ %f), df = %i, is SciPy’s %f', (t, df, expected) => {
    expect(Math.abs(studentTCdf(t, df) - expected)).toBeLessThan(1e-14);
  });

  it('ln Γ: ln √π at ½, ln (n−1)! at integers', () => {
    expect(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI))).toBeLessThan(1e-14);
    expect(rel(logGamma(10), Math.log(362880))).toBeLessThan(1e-14);
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-14);
  });

  it('the regularized incomplete beta is SciPy’s betainc', () => {
    expect(rel(regularizedIncompleteBeta(0.3, 2.5, 0.5), 0.018927124071945658)).toBeLessThan(1e-13);
    expect(rel(regularizedIncompleteBeta(0.9, 10, 3), 0.889130022255)).toBeLessThan(1e-11);
  });
});

describe('mean ± 95% confidence interval over seeds', () => {
  it('[1, 2, 3, 4, 5]: mean 3, sd √2.5, interval scipy.stats.t.interval(0.95, 4, 3, sd/√5)', () => {
    const m = meanWithConfidence([1, 2, 3, 4, 5]);
    expect(m.n).toBe(5);
    expect(m.mean).toBe(3);
    expect(rel(m.sd!, Math.sqrt(2.5))).toBeLessThan(1e-15);
    expect(rel(m.stderr!, Math.sqrt(2.5 / 5))).toBeLessThan(1e-15);
    expect(rel(m.ci95![0], 1.0367568385224428)).toBeLessThan(1e-13);
    expect(rel(m.ci95![1], 4.963243161477557)).toBeLessThan(1e-13);
  });

  it('two seeds use t_{0.975, 1} = 12.706: half-width 12.706 · |a − b| / 2', () => {
    const m = meanWithConfidence([0.2, 0.3]);
    const half = 12.706204736174694 * 0.05; // |a − b| / 2 = 0.05
    expect(rel(m.ci95![1] - m.mean, half)).toBeLessThan(1e-12);
  });

  it('one seed: the mean, and no spread or interval to report', () => {
    expect(meanWithConfidence([2.5])).toEqual({ n: 1, mean: 2.5, sd: null, stderr: null, ci95: null });
    expect(() => meanWithConfidence([])).toThrow(RangeError);
  });
});
