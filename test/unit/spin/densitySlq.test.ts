/**
 * The density of J by stochastic Lanczos quadrature (the path for networks too big to diagonalise),
 * against the exact dense spectrum of a mid-size network.
 *
 * Tolerance: on the shared grid the mean absolute difference of the two CDFs (CdfDistance.l1) must
 * stay below 0.02 and the largest (KS) below 0.05. With 20 probes × 80 steps both are about 5× smaller
 * than that on these networks; the bounds leave room for other seeds, not for a wrong weight.
 */
import { describe, expect, it } from 'vitest';
import { randomNetwork } from '../../../src-main/core/network/init.ts';
import { cdfDistance } from '../../../src-main/core/spectral/histogram.ts';
import { stochasticLanczosQuadrature } from '../../../src-main/core/spectral/slq.ts';
import { BondMatrix } from '../../../src-main/core/spin/bondMatrix.ts';
import { bondDensity } from '../../../src-main/core/spin/density.ts';
import { Random } from '../../../src-main/core/util/random.ts';

describe('stochastic Lanczos quadrature', () => {
  it('is the Gauss rule: with m steps the moments up to degree 2m − 1 are exact (diagonal A, Rademacher probes)', () => {
    // For diagonal A, zᵀ Aᵏ z = tr Aᵏ for every ±1 probe, so the estimate has no variance and only
    // the quadrature's exactness is tested.
    const n = 300;
    const rng = new Random(4);
    const diag = Float64Array.from({ length: n }, () => 0.5 + rng.uniform());
    const apply = (x: Float64Array, y: Float64Array): void => {
      for (let i = 0; i < n; i++) y[i] = diag[i] * x[i];
    };
    const steps = 4;
    const m = stochasticLanczosQuadrature(apply, n, { probes: 3, steps, seed: 3 });
    expect(m.nodes).toHaveLength(3 * steps);
    expect(m.matvecs).toBe(3 * steps);
    for (let k = 0; k <= 2 * steps - 1; k++) {
      const exact = diag.reduce((s, d) => s + d ** k, 0) / n;
      const quadrature = m.nodes.reduce((s, x, i) => s + x ** k * m.weights[i], 0);
      expect(Math.abs(quadrature / exact - 1)).toBeLessThan(1e-10);
    }
    // degree 2m is not integrated exactly any more
    const k = 2 * steps + 4;
    const exact = diag.reduce((s, d) => s + d ** k, 0) / n;
    expect(Math.abs(m.nodes.reduce((s, x, i) => s + x ** k * m.weights[i], 0) / exact - 1)).toBeGreaterThan(
      1e-8,
    );
  });
});

describe('the density of J by stochastic Lanczos quadrature', () => {
  const widths = [400, 300, 300, 100];

  it('matches the dense histogram: CDF distance L1 < 0.02, KS < 0.05 (random 400-300-300-100)', () => {
    const bond = BondMatrix.fromNetwork(randomNetwork({ widths, seed: 1 }));
    const dense = bondDensity(bond, { method: 'dense', shuffles: 1 });
    const slq = bondDensity(bond, { method: 'slq', shuffles: 1, range: dense.histogram.edges.at(-1) });
    expect(slq.method).toBe('slq');
    expect(slq.eigenvalues).toBeNull();
    expect(slq.slq).toMatchObject({ probes: 20, steps: 80 });
    const d = cdfDistance(dense.histogram, slq.histogram);
    expect(d.l1).toBeLessThan(0.02);
    expect(d.ks).toBeLessThan(0.05);
    // the estimate carries the whole spectrum: Σ counts = N, the structural zeros exactly
    expect(slq.histogram.counts.reduce((a, b) => a + b, 0)).toBeCloseTo(bond.size, 8);
    expect(slq.zeroModes.structural).toBe(dense.zeroModes.structural);
    // the top eigenvalues come from Lanczos and agree with the dense ones
    slq.largest.slice(0, 5).forEach((v, i) => expect(v).toBeCloseTo(dense.largest[i], 6));
  });

  it('sees planted outliers: Lanczos finds them, the quadrature counts them', () => {
    const net = randomNetwork({ widths, seed: 2 });
    const rng = new Random(7);
    // two rank-one couplings of strength 6 and 9 in W^(2) (layers 1 and 2)
    const layer = net.layers[1];
    const w = Float64Array.from(layer.weight);
    for (const theta of [6, 9]) {
      const u = Array.from({ length: 300 }, () => rng.normal() / Math.sqrt(300));
      const v = Array.from({ length: 300 }, () => rng.normal() / Math.sqrt(300));
      for (let i = 0; i < 300; i++) for (let j = 0; j < 300; j++) w[i * 300 + j] += theta * u[i] * v[j];
    }
    const bond = BondMatrix.fromNetwork({
      ...net,
      layers: net.layers.map((l, k) => (k === 1 ? { ...l, weight: w } : l)),
    });
    const dense = bondDensity(bond, { method: 'dense', top: 2 });
    const slq = bondDensity(bond, { method: 'slq', top: 2 });
    expect(dense.outliers.count).toBe(2);
    expect(slq.outliers.values).toHaveLength(2);
    slq.outliers.values.forEach((v, i) => expect(v).toBeCloseTo(dense.outliers.values[i], 6));
    expect(slq.outliers.complete).toBe(true);
    expect(Math.abs(slq.outliers.count - 2)).toBeLessThan(1);
    slq.localisation.forEach((l, i) =>
      l.layerShares.forEach((s, k) => expect(s).toBeCloseTo(dense.localisation[i].layerShares[k], 5)),
    );
  });

  it('auto diagonalises up to denseLimit spins and switches to the quadrature above', () => {
    const bond = BondMatrix.fromNetwork(randomNetwork({ widths: [50, 30, 20], seed: 1 }));
    expect(bondDensity(bond, { shuffles: 1, top: 0 }).method).toBe('dense');
    expect(bondDensity(bond, { shuffles: 1, top: 0, denseLimit: 99 }).method).toBe('slq');
    expect(bondDensity(bond, { shuffles: 1, top: 0, denseLimit: 100 }).method).toBe('dense');
  });
});
