/**
 * The Clauset–Shalizi–Newman power-law fit (core/spectral/powerLaw.ts) on samples of known exponent.
 *
 * What is tested: Pareto samples with density p(x) ∝ x^(−α) for x ≥ 1 (inverse-CDF sampling,
 * x = (1 − u)^(−1/(α−1))), alone and on top of a non-power-law body, fed to the fitter directly.
 * With 5000 samples the MLE's standard error (α − 1)/√n is ≤ 0.04 for these α, so 0.1 is ≥ 2.5 σ
 * even when the xmin search keeps only half the sample.
 */
import { describe, expect, it } from 'vitest';
import { weightDiagnostics } from '../../../src-main/core/spectral/layerDiagnostics.ts';
import { fitPowerLaw, type PowerLawFit } from '../../../src-main/core/spectral/powerLaw.ts';
import { Random } from '../../../src-main/core/util/random.ts';

function pareto(alpha: number, n: number, rng: Random, xmin = 1): number[] {
  return Array.from({ length: n }, () => xmin * Math.pow(1 - rng.uniform(), -1 / (alpha - 1)));
}

describe('power-law fit (CSN: continuous MLE, xmin by minimum KS distance)', () => {
  for (const alpha of [1.5, 2, 2.5, 3]) {
    it(`recovers alpha = ${alpha} of Pareto samples within 0.1 (5000 samples, two seeds)`, () => {
      for (const seed of [1, 2]) {
        const fit = fitPowerLaw(pareto(alpha, 5000, new Random(seed * 31 + alpha)))!;
        expect(Math.abs(fit.alpha - alpha)).toBeLessThan(0.1);
        // and the reported standard error is honest about it
        expect(Math.abs(fit.alpha - alpha)).toBeLessThan(3 * fit.alphaError);
        expect(fit.alphaError).toBeCloseTo((fit.alpha - 1) / Math.sqrt(fit.tailSize), 14);
      }
    });
  }

  it('finds the start of a power-law tail above a uniform body, and its exponent', () => {
    for (const [alpha, seed] of [
      [2, 1],
      [3, 2],
    ]) {
      const rng = new Random(seed);
      // 3000 values uniform on [0, 1), then 2000 Pareto values from xmin = 1
      const x = [...Array.from({ length: 3000 }, () => rng.uniform()), ...pareto(alpha, 2000, rng)];
      const fit = fitPowerLaw(x)!;
      expect(Math.abs(fit.alpha - alpha)).toBeLessThan(0.1);
      // any xmin from the end of the body up keeps a pure power law: CSN picks one near the start
      expect(fit.xmin).toBeGreaterThan(0.95);
      expect(fit.xmin).toBeLessThan(1.5);
      expect(fit.tailSize).toBeGreaterThan(1000);
    }
  });

  it('returns the alpha(xmin) and D(xmin) curve it chose from, the best D being its minimum', () => {
    const fit = fitPowerLaw(pareto(2.5, 800, new Random(9)))!;
    const { xmin, alpha, D, tailSize } = fit.curve;
    expect(alpha).toHaveLength(xmin.length);
    expect(D).toHaveLength(xmin.length);
    expect(tailSize).toHaveLength(xmin.length);
    expect(xmin.length).toBe(800 - 10 + 1); // every value with ≥ 10 values at or above it
    xmin.slice(1).forEach((x, i) => expect(x).toBeGreaterThan(xmin[i]));
    expect(fit.D).toBe(Math.min(...D));
    const k = xmin.indexOf(fit.xmin);
    expect(alpha[k]).toBe(fit.alpha);
    expect(tailSize[k]).toBe(fit.tailSize);
    // CSN eq. 3.1 at the chosen xmin, by hand
    const tail = pareto(2.5, 800, new Random(9)).filter((v) => v >= fit.xmin);
    const byHand = 1 + tail.length / tail.reduce((s, v) => s + Math.log(v / fit.xmin), 0);
    expect(fit.alpha).toBeCloseTo(byHand, 10);
    expect(fit.alphaRange[0]).toBeLessThanOrEqual(fit.alpha);
    expect(fit.alphaRange[1]).toBeGreaterThanOrEqual(fit.alpha);
  });

  it('a fragile fit shows: on a Marchenko–Pastur bulk (no power law) near-best xmin give far more spread alphas', () => {
    for (const seed of [1, 2, 3, 4]) {
      const rng = new Random(seed);
      const powerLaw = fitPowerLaw(pareto(2.5, 300, rng))!;
      // the 300 eigenvalues of WᵀW for a Gaussian W of 400 × 300: a bounded bulk
      const w = new Float64Array(400 * 300).map(() => rng.normal());
      const mpBulk = fitPowerLaw(weightDiagnostics(w, 400, 300, 1).eigenvalues)!;
      const width = (f: PowerLawFit): number => f.alphaRange[1] - f.alphaRange[0];
      expect(width(mpBulk)).toBeGreaterThan(3 * width(powerLaw));
      // and the steep "exponent" of a bounded bulk (WeightWatcher reads alpha > 6 as random-like)
      expect(mpBulk.alpha).toBeGreaterThan(5);
    }
  });

  it('ignores zeros and negatives; too few values give no fit', () => {
    expect(fitPowerLaw([0, -1, 1, 2, 3], { minTail: 3 })).not.toBeNull();
    expect(fitPowerLaw([0, 0, 1, 2], { minTail: 3 })).toBeNull();
    expect(fitPowerLaw([2, 2, 2, 2, 2], { minTail: 3 })).toBeNull();
  });
});
