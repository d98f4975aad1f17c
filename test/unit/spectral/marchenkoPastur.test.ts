/** The Marchenko–Pastur law (core/spectral/marchenkoPastur.ts) against independent numbers. */
import { describe, expect, it } from 'vitest';
import { mpCdf, mpDensity, mpEdges, mpQuantile } from '../../../src-main/core/spectral/marchenkoPastur.ts';

describe('Marchenko–Pastur law, σ² = 1', () => {
  it('has edges (1 ± √q)² and a CDF that reaches 1 at λ+', () => {
    expect(mpEdges(0.25)).toEqual({ lambdaMinus: 0.25, lambdaPlus: 2.25 });
    expect(mpEdges(0.25, 4)).toEqual({ lambdaMinus: 1, lambdaPlus: 9 });
    for (const q of [1, 0.5, 0.1]) {
      const { lambdaMinus, lambdaPlus } = mpEdges(q);
      expect(mpCdf(lambdaMinus, q)).toBe(0);
      expect(mpCdf(lambdaPlus - 1e-12, q)).toBeCloseTo(1, 9);
    }
    expect(() => mpEdges(1.5)).toThrow(/q = M\/N must be in \(0, 1\]/);
  });

  it('medians equal scipy quad + brentq on the density (to 1e-9)', () => {
    // scipy.integrate.quad of √((b−x)(x−a))/(2π q x), scipy.optimize.brentq for F = 1/2
    const reference: [number, number][] = [
      [1, 0.6527759416335757],
      [0.75, 0.7429484870079447],
      [0.4, 0.8648902870016799],
      [0.01, 0.9966656763386517],
    ];
    for (const [q, median] of reference) expect(mpQuantile(0.5, q)).toBeCloseTo(median, 9);
  });

  it('CDF is the integral of the density (mean 1 and variance q by the same quadrature)', () => {
    for (const q of [0.3, 0.8]) {
      const { lambdaMinus: a, lambdaPlus: b } = mpEdges(q);
      const n = 200_000;
      const h = (b - a) / n;
      let mass = 0;
      let mean = 0;
      let second = 0;
      for (let i = 0; i < n; i++) {
        const x = a + (i + 0.5) * h;
        const rho = mpDensity(x, q) * h;
        mass += rho;
        mean += x * rho;
        second += x * x * rho;
      }
      expect(mass).toBeCloseTo(1, 4);
      expect(mean).toBeCloseTo(1, 4);
      expect(second - mean * mean).toBeCloseTo(q, 4);
      const x = a + 0.37 * (b - a);
      let partial = 0;
      for (let i = 0; a + (i + 0.5) * h < x; i++) partial += mpDensity(a + (i + 0.5) * h, q) * h;
      expect(mpCdf(x, q)).toBeCloseTo(partial, 4);
    }
  });
});
