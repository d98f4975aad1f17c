import { describe, expect, it } from 'vitest';
import { BondMatrix } from '../../../src-main/core/spin/bondMatrix.ts';
import { randomNetwork } from '../../../src-main/core/network/init.ts';
import { symmetricEigen } from '../../../src-main/core/linalg/symmetricEigen.ts';
import { Random } from '../../../src-main/core/util/random.ts';

// Odd widths exercise the kernel's scalar tails.
const widths = [13, 7, 11, 5];

function denseApply(d: Float64Array, n: number, x: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) y[i] += d[i * n + j] * x[j];
  return y;
}

describe('bond matrix J in block form', () => {
  for (const precision of ['float32', 'float64'] as const) {
    it(`J·v by the WASM kernel equals the TS kernel and the dense matrix (${precision} weights)`, () => {
      const net = randomNetwork({ widths, seed: 5 });
      if (precision === 'float64') {
        net.layers.forEach((l) => Object.assign(l, { weight: Float64Array.from(l.weight, (w) => w + 1e-9) }));
      }
      const wasm = BondMatrix.fromNetwork(net, 'wasm');
      const js = BondMatrix.fromNetwork(net, 'js');
      const n = wasm.size;
      expect(n).toBe(36);
      const rng = new Random(1);
      const x = Float64Array.from({ length: n }, () => rng.normal());
      const y1 = new Float64Array(n);
      const y2 = new Float64Array(n);
      wasm.apply(x, y1);
      js.apply(x, y2);
      const y3 = denseApply(wasm.toDense(), n, x);
      for (let i = 0; i < n; i++) {
        expect(y1[i]).toBeCloseTo(y3[i], 12);
        expect(y2[i]).toBeCloseTo(y3[i], 12);
      }
    });
  }

  it('is symmetric, zero on the diagonal, and couples only adjacent layers with W[in, out]', () => {
    const net = randomNetwork({ widths, seed: 2 });
    const bond = BondMatrix.fromNetwork(net);
    const d = bond.toDense();
    const n = bond.size;
    for (let i = 0; i < n; i++) {
      expect(d[i * n + i]).toBe(0);
      for (let j = 0; j < n; j++) {
        expect(d[i * n + j]).toBe(d[j * n + i]);
        if (Math.abs(bond.layerOf(i) - bond.layerOf(j)) !== 1) expect(d[i * n + j]).toBe(0);
      }
    }
    // neuron 2 of layer 0 and neuron 3 of layer 1 are coupled by W^(1)[2, 3]
    expect(d[2 * n + 13 + 3]).toBe(net.layers[0].weight[2 * 7 + 3]);
  });

  it('a_i is the squared norm of row i of J', () => {
    const bond = BondMatrix.fromNetwork(randomNetwork({ widths, seed: 3 }));
    const d = bond.toDense();
    const n = bond.size;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += d[i * n + j] ** 2;
      expect(bond.squaredRowNorms[i]).toBeCloseTo(s, 12);
    }
  });

  it('has a spectrum symmetric about 0 (the layer chain is bipartite)', () => {
    const bond = BondMatrix.fromNetwork(randomNetwork({ widths: [40, 30, 20, 10], seed: 4 }));
    const { values } = symmetricEigen(bond.toDense(), bond.size, false);
    const n = values.length;
    for (let k = 0; k < n; k++) expect(values[k]).toBeCloseTo(-values[n - 1 - k], 10);
    // 100 spins, bipartite sides of 60 and 40: at least 20 zero modes
    expect(values.filter((v) => Math.abs(v) < 1e-10).length).toBeGreaterThanOrEqual(20);
  });
});

describe('spectrum of J from the bipartite Gram operator BᵀB', () => {
  it('gives the whole top of the dense spectrum, ±σ pairs and zeros included, on tiny and odd-width nets', async () => {
    const { topEigenvalues } = await import('../../../src-main/core/spin/spectrum.ts');
    for (const w of [
      [3, 5, 2],
      [7, 4],
      [13, 7, 11, 5, 3],
    ]) {
      const bond = BondMatrix.fromNetwork(randomNetwork({ widths: w, seed: 6 }));
      const dense = Array.from(symmetricEigen(bond.toDense(), bond.size, false).values).reverse();
      const count = Math.min(10, bond.size);
      const top = topEigenvalues(bond, count);
      expect(top.values).toHaveLength(count);
      top.values.forEach((v, i) => expect(v).toBeCloseTo(dense[i], 9));
      // eigenvectors of J for the positive values
      top.vectors.forEach((x, i) => {
        const y = new Float64Array(bond.size);
        bond.apply(x, y);
        y.forEach((yi, k) => expect(yi).toBeCloseTo(top.values[i] * x[k], 9));
      });
    }
  });
});
