/**
 * The full spectrum of J by the bipartite Gram matrix (core/spin/density.ts, dense path), against a
 * dense diagonalisation of the whole N × N bond matrix.
 */
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../../src-main/core/linalg/symmetricEigen.ts';
import { randomNetwork } from '../../../src-main/core/network/init.ts';
import type { Network } from '../../../src-main/core/network/network.ts';
import { bipartiteGram } from '../../../src-main/core/spectral/bipartiteGram.ts';
import { BondMatrix } from '../../../src-main/core/spin/bondMatrix.ts';
import { bondDensity } from '../../../src-main/core/spin/density.ts';
import { Random } from '../../../src-main/core/util/random.ts';

/** All eigenvalues of the dense J, ascending. */
function denseSpectrum(bond: BondMatrix): Float64Array {
  return symmetricEigen(bond.toDense(), bond.size, false).values;
}

function withFloat64Weights(net: Network): Network {
  return {
    ...net,
    layers: net.layers.map((l) => ({ ...l, weight: Float64Array.from(l.weight, (w) => w * (1 + 1e-7)) })),
  };
}

describe('the spectrum of J from the bipartite Gram matrix', () => {
  // Odd widths, one weight matrix, an output wider than its input, and chains whose B is rank
  // deficient (a width-1 layer: [6, 1, 6, 40] has rank B ≤ 7 on a side of 12).
  const shapes = [
    [13, 7, 11, 5],
    [7, 4],
    [4, 9],
    [20, 15, 10, 30, 8],
    [6, 1, 6, 40],
    [30, 2, 25, 3, 12, 9],
  ];

  for (const widths of shapes) {
    it(`equals the dense eigenvalues of the full J to 1e-10 (${widths.join('-')}, float32 and float64 weights)`, () => {
      for (const net of [
        randomNetwork({ widths, seed: 3 }),
        withFloat64Weights(randomNetwork({ widths, seed: 4 })),
      ]) {
        const bond = BondMatrix.fromNetwork(net);
        const d = bondDensity(bond, { method: 'dense', shuffles: 1 });
        const reference = denseSpectrum(bond);
        expect(d.method).toBe('dense');
        expect(d.eigenvalues).toHaveLength(bond.size);
        d.eigenvalues!.forEach((v, i) => expect(Math.abs(v - reference[i])).toBeLessThan(1e-10));
      }
    });
  }

  it('is symmetric about 0 with |N_even − N_odd| structural zeros, plus the zeros of a rank-deficient B', () => {
    for (const widths of shapes) {
      const bond = BondMatrix.fromNetwork(randomNetwork({ widths, seed: 5 }));
      const d = bondDensity(bond, { shuffles: 1 });
      const ev = d.eigenvalues!;
      const n = ev.length;
      for (let i = 0; i < n; i++) expect(ev[i] + ev[n - 1 - i]).toBe(0);
      const even = widths.filter((_, k) => k % 2 === 0).reduce((a, b) => a + b, 0);
      const odd = widths.filter((_, k) => k % 2 === 1).reduce((a, b) => a + b, 0);
      expect(d.sides).toEqual({ even, odd, gram: even <= odd ? 'even' : 'odd' });
      expect(d.zeroModes.structural).toBe(Math.abs(even - odd));
      const zeros = ev.filter((v) => v === 0).length;
      expect(zeros).toBe(d.zeroModes.structural + d.zeroModes.numerical);
      // the dense J agrees on how many eigenvalues vanish
      expect(denseSpectrum(bond).filter((v) => Math.abs(v) < 1e-10).length).toBe(zeros);
    }
    // 6-1-6-40: the even side (12 spins) reaches the odd side through rank ≤ 1 + 6, so 5 σ vanish
    const deficient = bondDensity(BondMatrix.fromNetwork(randomNetwork({ widths: [6, 1, 6, 40], seed: 5 })), {
      shuffles: 1,
    });
    expect(deficient.zeroModes).toEqual({ structural: 29, numerical: 10 });
  });

  it('forms BᵀB block by block exactly as the product of the dense off-diagonal block of J', () => {
    const bond = BondMatrix.fromNetwork(randomNetwork({ widths: [9, 6, 8, 5, 7], seed: 8 }));
    const j = bond.toDense();
    const N = bond.size;
    for (const side of [0, 1] as const) {
      const mine = bond.offsets
        .slice(0, -1)
        .flatMap((o, k) => (k % 2 === side ? Array.from({ length: bond.widths[k] }, (_, i) => o + i) : []));
      const other = Array.from({ length: N }, (_, i) => i).filter((i) => !mine.includes(i));
      const g = bipartiteGram(bond, side);
      const n = mine.length;
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          let s = 0;
          for (const o of other) s += j[mine[a] * N + o] * j[o * N + mine[b]];
          expect(g[a * n + b]).toBeCloseTo(s, 12);
        }
      }
    }
  });

  it('bins every eigenvalue: the linear density integrates to 1, the log grid holds the positive ones', () => {
    const bond = BondMatrix.fromNetwork(randomNetwork({ widths: [60, 40, 50, 20], seed: 2 }));
    const d = bondDensity(bond, { bins: 51, logBins: 30, shuffles: 1 });
    const h = d.histogram;
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(bond.size);
    const integral = h.density.reduce((s, rho, i) => s + rho * (h.edges[i + 1] - h.edges[i]), 0);
    expect(integral).toBeCloseTo(1, 12);
    // symmetric grid, 0 in the middle bin, which holds the structural zeros (and no σ this small)
    expect(h.edges[0]).toBe(-h.edges[51]);
    expect(h.counts[25]).toBe(d.zeroModes.structural);
    const positive = d.eigenvalues!.filter((v) => v > 0).length;
    const lh = d.logHistogram;
    expect(lh.counts.reduce((a, b) => a + b, 0) + lh.below).toBe(positive);
    expect(lh.total).toBe(bond.size);
    expect(lh.floor).toBeCloseTo(1 / (bond.size * (lh.edges[1] - lh.edges[0])), 12);
  });

  it('a fixed --range puts two checkpoints on the same grid', () => {
    const a = bondDensity(BondMatrix.fromNetwork(randomNetwork({ widths: [30, 20, 10], seed: 1 })), {
      range: 5,
      shuffles: 1,
    });
    const b = bondDensity(BondMatrix.fromNetwork(randomNetwork({ widths: [30, 20, 10], seed: 2 })), {
      range: 5,
      shuffles: 1,
    });
    expect(a.histogram.edges).toEqual(b.histogram.edges);
    expect(a.histogram.edges[0]).toBe(-5);
  });
});

describe('outliers and the bulk edge', () => {
  /** A Kaiming network with a strong rank-one coupling θ u vᵀ added to W^(k) (between layers k−1 and k). */
  function planted(widths: number[], k: number, theta: number, seed: number): Network {
    const net = randomNetwork({ widths, seed });
    const rng = new Random(seed + 100);
    const layer = net.layers[k - 1];
    const n = layer.inFeatures;
    const m = layer.outFeatures;
    const u = Array.from({ length: n }, () => rng.normal() / Math.sqrt(n));
    const v = Array.from({ length: m }, () => rng.normal() / Math.sqrt(m));
    const w = Float64Array.from(layer.weight);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) w[i * m + j] += theta * u[i] * v[j];
    return { ...net, layers: net.layers.map((l, i) => (i === k - 1 ? { ...l, weight: w } : l)) };
  }

  const widths = [200, 120, 120, 120, 10];

  it('a random network has no outlier beyond its intrinsic edges', () => {
    const d = bondDensity(BondMatrix.fromNetwork(randomNetwork({ widths, seed: 9 })));
    expect(d.edge.used).toBe('shuffled');
    expect(d.outliers).toEqual({ values: [], count: 0, complete: true });
    // λ_max of a finite random network sits within a few % of the infinite-N edge
    expect(d.largest[0] / d.edge.varianceProfile).toBeGreaterThan(0.95);
    expect(d.largest[0] / d.edge.varianceProfile).toBeLessThan(1.02);
    expect(d.edge.shuffledSamples).toHaveLength(5);
  });

  it('a planted rank-one coupling is one outlier beyond the reference edge, localised on its two layers', () => {
    const reference = BondMatrix.fromNetwork(randomNetwork({ widths, seed: 9 }));
    const edge = bondDensity(reference, { shuffles: 1 }).largest[0];
    const bond = BondMatrix.fromNetwork(planted(widths, 3, 8, 9)); // W^(3): layers 2 and 3
    const d = bondDensity(bond, { referenceEdge: edge, top: 3, shuffles: 1 });
    expect(d.edge).toMatchObject({ used: 'reference', value: edge, reference: edge });
    expect(d.outliers.count).toBe(1);
    expect(d.outliers.values[0]).toBe(d.largest[0]);
    expect(d.outliers.values[0]).toBeGreaterThan(1.3 * edge);
    const top = d.localisation[0];
    expect(top.eigenvalue).toBe(d.largest[0]);
    expect(top.layerShares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(top.layerShares[2] + top.layerShares[3]).toBeGreaterThan(0.9);
    expect([2, 3]).toContain(top.dominantLayer);
    // the bulk eigenvectors below it spread over all hidden layers
    expect(Math.max(...d.localisation[1].layerShares)).toBeLessThan(0.6);
    // and the intrinsic edges see the outlier too
    expect(d.largest[0]).toBeGreaterThan(d.edge.shuffled);
    expect(d.largest[0]).toBeGreaterThan(d.edge.varianceProfile);
  });

  it('localises the top eigenvectors exactly as the dense eigenvectors of J do', () => {
    const bond = BondMatrix.fromNetwork(planted([40, 30, 25, 20], 2, 6, 3));
    const d = bondDensity(bond, { top: 2, shuffles: 1 });
    const { values, vectors } = symmetricEigen(bond.toDense(), bond.size, true);
    const N = bond.size;
    for (let t = 0; t < 2; t++) {
      const col = N - 1 - t;
      expect(d.localisation[t].eigenvalue).toBeCloseTo(values[col], 10);
      const x = vectors!.subarray(col * N, (col + 1) * N);
      bond.widths.forEach((_, k) => {
        let s = 0;
        for (let i = bond.offsets[k]; i < bond.offsets[k + 1]; i++) s += x[i] * x[i];
        expect(d.localisation[t].layerShares[k]).toBeCloseTo(s, 8);
      });
    }
  });
});
