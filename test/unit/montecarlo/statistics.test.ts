/**
 * The error-bar machinery on series with known answers: an AR(1) process x_t = φ x_{t−1} + ε_t
 * (ε ~ N(0,1)) has ρ(t) = φᵗ, τ_int = (1+φ)/(2(1−φ)), variance 1/(1−φ²), and its mean has variance
 * 2 τ_int σ²/n; for i.i.d. Gaussian samples the sample variance has error σ²√(2/n).
 */
import { describe, expect, it } from 'vitest';
import {
  autocovariance,
  blockedMean,
  integratedAutocorrelationTime,
  jackknife,
} from '../../../src-main/core/montecarlo/statistics.ts';
import { Random } from '../../../src-main/core/util/random.ts';

function ar1(phi: number, n: number, seed: number): Float64Array {
  const rng = new Random(seed);
  const x = new Float64Array(n);
  x[0] = rng.normal() / Math.sqrt(1 - phi * phi);
  for (let t = 1; t < n; t++) x[t] = phi * x[t - 1] + rng.normal();
  return x;
}

describe('integrated autocorrelation time (Sokal windowing)', () => {
  for (const phi of [0, 0.5, 0.8, 0.95]) {
    it(`AR(1) with φ = ${phi}: τ_int = (1+φ)/(2(1−φ)) within its error bar`, () => {
      const x = ar1(phi, 200_000, 17);
      const exact = (1 + phi) / (2 * (1 - phi));
      const est = integratedAutocorrelationTime(x);
      expect(est.converged).toBe(true);
      expect(Math.abs(est.tau - exact)).toBeLessThan(3.5 * est.error + 0.01);
      // The window is the smallest W ≥ 6τ: a few τ long, not the whole series.
      expect(est.window).toBeGreaterThanOrEqual(6 * est.tau - 1);
      expect(est.window).toBeLessThan(12 * exact + 10);
    });
  }

  it('reports not converged when the series is shorter than a few τ', () => {
    const est = integratedAutocorrelationTime(ar1(0.99, 200, 3));
    expect(est.converged).toBe(false);
  });

  it('the FFT autocovariance equals the direct lag sums Σ_i d_i d_(i+t) for every lag', () => {
    const rng = new Random(8);
    for (const n of [1, 2, 7, 64, 300]) {
      const d = Float64Array.from({ length: n }, () => rng.normal());
      const g = autocovariance(d);
      for (let t = 0; t < n; t++) {
        let direct = 0;
        for (let i = 0; i + t < n; i++) direct += d[i] * d[i + t];
        expect(Math.abs(g[t] - direct)).toBeLessThan(1e-9 * n);
      }
    }
  });

  it('a random walk (no finite τ) gets a τ of the order of its length, computed in O(n log n)', () => {
    const rng = new Random(2);
    const walk = new Float64Array(200_000);
    for (let i = 1; i < walk.length; i++) walk[i] = walk[i - 1] + rng.normal();
    const started = performance.now();
    const est = integratedAutocorrelationTime(walk);
    expect(est.tau).toBeGreaterThan(walk.length / 1000);
    expect(est.window).toBeGreaterThan(6000);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});

describe('blocked (binning) error of a mean and jackknife', () => {
  it('the blocked error of an AR(1) mean is √(2 τ_int σ²/n)', () => {
    const phi = 0.8;
    const n = 200_000;
    const x = ar1(phi, n, 5);
    const tau = (1 + phi) / (2 * (1 - phi));
    const expected = Math.sqrt((2 * tau) / (1 - phi * phi) / n);
    const { error } = blockedMean(x, 100);
    // 100 blocks: the error estimate itself is good to ~7%.
    expect(error / expected).toBeGreaterThan(0.78);
    expect(error / expected).toBeLessThan(1.22);
  });

  it('ignoring correlations would underestimate it: the naive error is √(2τ) too small', () => {
    const x = ar1(0.9, 100_000, 9);
    const naive = blockedMean(x, x.length / 1).error; // blocks of one sample
    const blocked = blockedMean(x, 50).error;
    expect(blocked / naive).toBeGreaterThan(0.75 * Math.sqrt(19));
    expect(blocked / naive).toBeLessThan(1.25 * Math.sqrt(19));
  });

  it('the jackknife error of the variance ⟨x²⟩ − ⟨x⟩² of Gaussian samples is σ²√(2/n)', () => {
    const rng = new Random(4);
    const n = 40_000;
    const sigma = 1.7;
    const x = Float64Array.from({ length: n }, () => 0.3 + sigma * rng.normal());
    const x2 = x.map((v) => v * v);
    const est = jackknife([x, x2], 100, ([m, m2]) => m2 - m * m);
    expect(Math.abs(est.value - sigma ** 2)).toBeLessThan(4 * sigma ** 2 * Math.sqrt(2 / n));
    expect(est.error / (sigma ** 2 * Math.sqrt(2 / n))).toBeGreaterThan(0.78);
    expect(est.error / (sigma ** 2 * Math.sqrt(2 / n))).toBeLessThan(1.22);
  });
});
