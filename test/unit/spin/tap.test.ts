import { describe, expect, it } from 'vitest';
import { BondMatrix } from '../../../src-main/core/spin/bondMatrix.ts';
import { TapHessian } from '../../../src-main/core/spin/tapHessian.ts';
import { tapCriticalTemperature } from '../../../src-main/core/spin/criticalTemperature.ts';
import { analyzeNetwork } from '../../../src-main/core/spin/analysis.ts';
import { randomNetwork } from '../../../src-main/core/network/init.ts';
import type { Network } from '../../../src-main/core/network/network.ts';
import { denseCriticalTemperature, denseLambdaMin } from '../../helpers/spinReference.ts';
import { withSpike as spiked } from '../../helpers/spinNetworks.ts';

/** The spiked network alone (test/helpers/spinNetworks.ts also gives the spike's direction). */
const withSpike = (net: Network, theta: number, seed = 11): Network => spiked(net, theta, seed).network;
import { symmetricEigen } from '../../../src-main/core/linalg/symmetricEigen.ts';

describe('TAP Hessian H(β) = I + β² diag(a) − βJ, science.md §3', () => {
  it('λ_min from Lanczos equals a dense eigen-decomposition to 1e-9', () => {
    const bond = BondMatrix.fromNetwork(randomNetwork({ widths: [60, 40, 30, 10], seed: 1 }));
    const h = new TapHessian(bond);
    for (const beta of [0.2, 0.55, 0.9, 1.6]) {
      expect(h.lowest(beta, { tol: 1e-8 }).lambda).toBeCloseTo(denseLambdaMin(bond, beta), 9);
    }
  });

  it('dλ_min/dβ (Hellmann–Feynman) equals a finite difference', () => {
    const bond = BondMatrix.fromNetwork(randomNetwork({ widths: [60, 40, 30, 10], seed: 2 }));
    const h = new TapHessian(bond);
    const beta = 0.7;
    const d = 1e-5;
    const fd = (denseLambdaMin(bond, beta + d) - denseLambdaMin(bond, beta - d)) / (2 * d);
    expect(h.lowest(beta, { tol: 1e-10 }).slope).toBeCloseTo(fd, 6);
  });

  it('reduces to (1 − β)² for a bipartite SK-like coupling with λ_max(J) = 2 and a_i = 1', () => {
    // J = [[0, B], [Bᵀ, 0]] with B = 1 (1×1 "layers") scaled: λ_max = 1 → use 2 copies: a 2-spin chain, w = 1:
    // H = [[1+β², −β], [−β, 1+β²]] → λ_min = 1 + β² − β; with w = 1 the SK-form (1−β)² needs λmax=2, a=1:
    // take a 2-spin chain with weight √1 and check λ_min = 1 + β²·1 − β·1 exactly.
    const bond = new BondMatrix([{ weight: Float32Array.of(1), rows: 1, cols: 1 }]);
    const h = new TapHessian(bond);
    for (const beta of [0.3, 1, 2.5]) expect(h.lowest(beta).lambda).toBeCloseTo(1 + beta * beta - beta, 12);
  });
});

describe('TAP critical temperature of single instances', () => {
  it('random bipartite 2×600 with C = 1: TAP and replica T_c ≈ 1.00 (glass)', () => {
    const r = analyzeNetwork(randomNetwork({ widths: [600, 600], init: { gaussianC: 1 }, seed: 1 }));
    expect(r.replica.tc).toBeCloseTo(1.0, 2);
    expect(r.tap.phase).toBe('glass');
    expect(Math.abs(r.tap.tc - 1)).toBeLessThan(0.03);
    expect(r.tap.minLambda).toBeGreaterThan(0);
    expect(r.tap.minLambda).toBeLessThan(0.05);
  });

  it('equal layers 4×400 with C = 1: replica 1.272, TAP within 2%', () => {
    const r = analyzeNetwork(
      randomNetwork({ widths: [400, 400, 400, 400], init: { gaussianC: 1 }, seed: 2 }),
    );
    expect(r.replica.tc).toBeCloseTo(1.272, 2);
    expect(Math.abs(r.tap.tc / 1.272 - 1)).toBeLessThan(0.02);
    expect(r.tap.phase).toBe('glass');
  });

  it('784-300-200-100-10 with C = 2: replica 1.550, TAP within 2%', () => {
    const r = analyzeNetwork(
      randomNetwork({ widths: [784, 300, 200, 100, 10], init: { gaussianC: 2 }, seed: 3 }),
    );
    expect(r.replica.tc).toBeCloseTo(1.55, 2);
    expect(Math.abs(r.tap.tc / 1.55 - 1)).toBeLessThan(0.02);
    expect(r.tap.phase).toBe('glass');
  });

  it('a rank-one spike turns the glass into hidden order with a higher T_c near [λ* + √(λ*² − 4ā)]/2', () => {
    const base = randomNetwork({ widths: [300, 200, 200, 100], init: { gaussianC: 1 }, seed: 4 });
    const glass = analyzeNetwork(base);
    const spiked = analyzeNetwork(withSpike(base, 3));
    expect(glass.tap.phase).toBe('glass');
    expect(spiked.tap.phase).toBe('ordered');
    expect(spiked.tap.tc).toBeGreaterThan(glass.tap.tc * 1.1);
    expect(spiked.tap.minLambda).toBeLessThan(-0.05);
    // the outlier separates from the bulk
    expect(spiked.spectrum.top[0] - spiked.spectrum.top[1]).toBeGreaterThan(0.3);
    const bond = BondMatrix.fromNetwork(withSpike(base, 3));
    const aBar = bond.squaredRowNorms.reduce((s, x) => s + x, 0) / bond.size;
    const lam = spiked.spectrum.top[0];
    const estimate = (lam + Math.sqrt(lam * lam - 4 * aBar)) / 2;
    expect(Math.abs(spiked.tap.tc / estimate - 1)).toBeLessThan(0.15);
  });

  it('agrees with the dense 400-point reference rule: T_c to 1e-6 when ordered, the phase, minLambda', () => {
    for (const [theta, seed] of [
      [0, 5],
      [2.5, 6],
      [4, 7],
    ]) {
      const net = withSpike(
        randomNetwork({ widths: [50, 40, 30, 10], init: { gaussianC: 1.5 }, seed }),
        theta,
      );
      const bond = BondMatrix.fromNetwork(net);
      const betaMax = 4 / analyzeNetwork(net).replica.tc;
      const ours = tapCriticalTemperature(bond, { betaMax });
      const ref = denseCriticalTemperature(bond, betaMax);
      expect(ours.phase).toBe(ref.phase);
      expect(ours.minLambda).toBeCloseTo(ref.minLambda, 6);
      if (ref.phase === 'ordered') expect(Math.abs(ours.tc / ref.tc - 1)).toBeLessThan(1e-6);
      else expect(Math.abs(ours.tc / ref.tc - 1)).toBeLessThan(1e-3);
    }
  });

  it('the spectrum’s top eigenvalues equal the dense ones, and cancellation is honoured', () => {
    const net = randomNetwork({ widths: [70, 50, 30, 10], seed: 8 });
    const bond = BondMatrix.fromNetwork(net);
    const dense = symmetricEigen(bond.toDense(), bond.size, false).values;
    const r = analyzeNetwork(net);
    r.spectrum.top.forEach((v, i) => expect(v).toBeCloseTo(dense[dense.length - 1 - i], 8));
    const ac = new AbortController();
    ac.abort();
    expect(() => tapCriticalTemperature(bond, { betaMax: 3, signal: ac.signal })).toThrow(/cancelled/);
  });
});

describe('degenerate networks', () => {
  it('all-zero weights are a clear error, not a report with null temperatures', () => {
    const net = randomNetwork({ widths: [5, 3, 2], seed: 1 });
    net.layers.forEach((l) => (l.weight as Float32Array).fill(0));
    expect(() => analyzeNetwork(net)).toThrow(/every weight is zero/);
  });

  it('two spins coupled by w = 1: λ_min = 1 + β² − β never reaches 0, minimum at β = 1/2 (glass rule: T_c = 2)', () => {
    const net: Network = {
      inputSize: 1,
      output: 'none',
      layers: [
        { inFeatures: 1, outFeatures: 1, weight: Float32Array.of(1), activation: { kind: 'identity' } },
      ],
    };
    const r = analyzeNetwork(net);
    expect(r.tap.phase).toBe('glass');
    expect(r.tap.tc).toBeCloseTo(2, 6);
    expect(r.tap.minLambda).toBeCloseTo(0.75, 9);
    expect(r.spectrum.top).toEqual([expect.closeTo(1, 12), expect.closeTo(-1, 12)]);
  });
});

describe('the ε of the phase rule', () => {
  it('decides the phase only: an ordered net stays ordered with T_c at the first zero crossing for ε below its depth, and turns glass above', () => {
    const net = withSpike(
      randomNetwork({ widths: [50, 40, 30, 10], init: { gaussianC: 1.5 }, seed: 6 }),
      2.5,
    );
    const bond = BondMatrix.fromNetwork(net);
    const betaMax = 4 / analyzeNetwork(net).replica.tc;
    const plain = tapCriticalTemperature(bond, { betaMax });
    expect(plain.phase).toBe('ordered');
    const depth = -plain.minLambda;
    const small = tapCriticalTemperature(bond, { betaMax, epsilon: depth / 2 });
    expect(small.phase).toBe('ordered');
    expect(small.tc).toBeCloseTo(plain.tc, 7);
    const large = tapCriticalTemperature(bond, { betaMax, epsilon: depth * 2 });
    expect(large.phase).toBe('glass');
    expect(large.tc).toBeCloseTo(1 / plain.argminBeta, 4);
  });
});
