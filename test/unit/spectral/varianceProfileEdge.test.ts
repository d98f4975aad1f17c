/** The intrinsic bulk edge of a layered random coupling matrix (core/spectral/varianceProfileEdge.ts). */
import { describe, expect, it } from 'vitest';
import { randomNetwork } from '../../../src-main/core/network/init.ts';
import { varianceProfileEdge } from '../../../src-main/core/spectral/varianceProfileEdge.ts';
import { BondMatrix } from '../../../src-main/core/spin/bondMatrix.ts';
import { bondDensity } from '../../../src-main/core/spin/density.ts';

describe('bulk edge from the variance profile (quadratic vector equation)', () => {
  it('one weight matrix: the Marchenko–Pastur edge √v (√N + √M) of its singular values', () => {
    for (const [N, M, v] of [
      [400, 100, 0.01],
      [300, 300, 1 / 300],
      [784, 512, 2 / 784],
      [10, 512, 0.1],
    ]) {
      expect(varianceProfileEdge([N, M], [v]) / (Math.sqrt(v) * (Math.sqrt(N) + Math.sqrt(M)))).toBeCloseTo(
        1,
        8,
      );
    }
  });

  it('scales as √v and ignores a zero-variance tail of the chain', () => {
    const e = varianceProfileEdge([100, 80, 60], [0.02, 0.05]);
    expect(varianceProfileEdge([100, 80, 60], [0.08, 0.2])).toBeCloseTo(2 * e, 7);
    expect(varianceProfileEdge([100, 80, 60], [0.02, 0])).toBeCloseTo(
      varianceProfileEdge([100, 80], [0.02]),
      7,
    );
  });

  it('many layers: λ_max of random Kaiming networks lies within 4% below it', () => {
    for (const widths of [
      [300, 200, 200, 50],
      [200, 200, 200, 200],
      [400, 150, 250, 100, 10],
    ]) {
      const d = bondDensity(BondMatrix.fromNetwork(randomNetwork({ widths, seed: 2 })), {
        shuffles: 1,
        top: 0,
      });
      const ratio = d.largest[0] / d.edge.varianceProfile;
      expect(ratio).toBeGreaterThan(0.96);
      expect(ratio).toBeLessThan(1.01);
    }
  });
});
