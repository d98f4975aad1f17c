/**
 * TAP solutions below T_c (science.md §3): the free energy and its gradient, the solver on nets of
 * known phase (SK paramagnet, spiked hidden order, random glass), and honest convergence reports.
 */
import { describe, expect, it } from 'vitest';
import { BondMatrix } from '../../../src-main/core/spin/bondMatrix.ts';
import { tapCriticalTemperature } from '../../../src-main/core/spin/criticalTemperature.ts';
import { TapHessian } from '../../../src-main/core/spin/tapHessian.ts';
import {
  plefkaParameter,
  TapCouplings,
  tapFreeEnergy,
  tapFreeEnergyGradient,
  tapResidual,
} from '../../../src-main/core/spin/tapEquations.ts';
import { solveTap } from '../../../src-main/core/spin/tapSolver.ts';
import { analyzeTapSolutions } from '../../../src-main/core/spin/tapAnalysis.ts';
import { overlap } from '../../../src-main/core/spin/tapClusters.ts';
import { Random } from '../../../src-main/core/util/random.ts';
import { denseTapFreeEnergy, denseTapResidual, glassNetwork, withSpike } from '../../helpers/spinNetworks.ts';

const LAYERS = [200, 150, 150, 100];

function randomM(n: number, seed: number, amplitude = 0.8): Float64Array {
  const rng = new Random(seed);
  return Float64Array.from({ length: n }, () => amplitude * (2 * rng.uniform() - 1));
}

function tcOf(bond: BondMatrix): number {
  return tapCriticalTemperature(bond, { betaMax: 4 }).tc;
}

describe('TAP free energy βF(m) (science.md §3)', () => {
  const bond = BondMatrix.fromNetwork(glassNetwork([12, 9, 7, 5], 3, 1.5));
  const c = new TapCouplings(bond);

  it('equals the formula evaluated term by term with the dense J', () => {
    const m = randomM(bond.size, 1);
    for (const beta of [0.3, 1, 2.5]) {
      const ref = denseTapFreeEnergy(bond, m, beta);
      expect(Math.abs(tapFreeEnergy(c, m, beta) - ref)).toBeLessThan(1e-12 * Math.abs(ref));
    }
  });

  it('at m = 0 is −N ln 2 − (β²/4) Σ_ij J_ij² exactly', () => {
    const beta = 1.3;
    const sumJ2 = bond.squaredRowNorms.reduce((s, a) => s + a, 0);
    const expected = -bond.size * Math.LN2 - ((beta * beta) / 4) * sumJ2;
    expect(tapFreeEnergy(c, new Float64Array(bond.size), beta)).toBeCloseTo(expected, 11);
  });

  it('has the analytic gradient atanh(m) − β J m + β² m ∘ (J∘J)(1 − m²): equal to central finite differences at a random m', () => {
    const beta = 1.7;
    const m = randomM(bond.size, 2);
    const g = tapFreeEnergyGradient(c, m, beta);
    const h = 1e-6;
    for (let i = 0; i < bond.size; i++) {
      const up = Float64Array.from(m);
      const down = Float64Array.from(m);
      up[i] += h;
      down[i] -= h;
      const fd = (tapFreeEnergy(c, up, beta) - tapFreeEnergy(c, down, beta)) / (2 * h);
      expect(Math.abs(g[i] - fd)).toBeLessThan(1e-7 * Math.max(1, Math.abs(fd)));
    }
    // a random m is far from a solution: the gradient is O(1), so the test above has teeth
    expect(Math.max(...g.map(Math.abs))).toBeGreaterThan(0.1);
  });

  it('is stationary at a converged TAP solution (∂βF/∂m = 0 ⇔ TAP equations), by the gradient and by finite differences', () => {
    const { network } = withSpike(glassNetwork([60, 40, 40, 20], 5), 3);
    const spiked = BondMatrix.fromNetwork(network);
    const cs = new TapCouplings(spiked);
    const T = 0.8 * tcOf(spiked);
    const [at] = solveTap(cs, [T], { starts: 1, anneal: { from: 1.1 * tcOf(spiked) } }).temperatures;
    const s = at.starts[0];
    expect(s.converged).toBe(true);
    expect(s.paramagnet).toBe(false);
    const g = tapFreeEnergyGradient(cs, s.m, 1 / T);
    expect(Math.max(...g.map(Math.abs))).toBeLessThan(1e-6);
    // along a random unit direction the central difference vanishes too (it is O(1) at a random m)
    const d = randomM(spiked.size, 9, 1);
    const dn = Math.hypot(...d);
    const eps = 1e-5;
    const at1 = (sign: number): number =>
      tapFreeEnergy(
        cs,
        s.m.map((x, i) => x + (sign * eps * d[i]) / dn),
        1 / T,
      );
    expect(Math.abs((at1(1) - at1(-1)) / (2 * eps))).toBeLessThan(1e-5);
  });
});

describe('TAP solver: SK sanity', () => {
  it('a bipartite SK pair of layers (C = 1, T_c ≈ 1) at 1.5 T_c has only m = 0, from every start', () => {
    const bond = BondMatrix.fromNetwork(glassNetwork([200, 200], 1));
    const tc = tcOf(bond);
    expect(Math.abs(tc - 1)).toBeLessThan(0.05);
    const { temperatures } = solveTap(bond, [1.5 * tc], { starts: 16 });
    for (const s of temperatures[0].starts) {
      expect(s.converged).toBe(true);
      expect(s.paramagnet).toBe(true);
      expect(Math.max(...s.m.map(Math.abs))).toBeLessThan(1e-7);
      expect(s.residual).toBeLessThan(1e-8);
    }
    const { report } = analyzeTapSolutions(bond, { fractionsOfTc: [1.5] }, { starts: 8 });
    const cell = report.temperatures[0];
    expect(cell.phase).toBe('paramagnet');
    expect(cell.solutions).toBe('paramagnet');
    expect(cell.clusters).toHaveLength(1);
    // above T_c the paramagnet satisfies Plefka's condition: x = β² λ_max(J∘J) ≈ (T_c/T)² < 1
    expect(cell.clusters[0].plefka).toBeCloseTo(1 / 2.25, 1);
  });
});

describe('TAP solver: hidden order (random layered SK + a strong rank-one spike)', () => {
  const { network, direction } = withSpike(glassNetwork(LAYERS, 4), 3);
  const bond = BondMatrix.fromNetwork(network);

  it('every start converges, to the TAP equations within 1e-8 (checked with the dense J), on one ± pair along the spike', () => {
    const { report, solutions, topVector } = analyzeTapSolutions(
      bond,
      { fractionsOfTc: [0.8] },
      { starts: 16 },
    );
    expect(report.hessianPhase).toBe('ordered');
    const cell = report.temperatures[0];
    expect(cell.converged).toBe(16);
    for (const s of solutions[0].starts) {
      expect(s.converged).toBe(true);
      expect(denseTapResidual(bond, s.m, 1 / cell.T)).toBeLessThan(1e-8);
      expect(Math.abs(s.residual - tapResidual(new TapCouplings(bond), s.m, 1 / cell.T))).toBeLessThan(1e-15);
    }
    expect(cell.clusters).toHaveLength(1);
    const pair = cell.clusters[0];
    expect(pair.paramagnet).toBe(false);
    expect(pair.plus).toBeGreaterThan(0);
    expect(pair.minus).toBeGreaterThan(0); // m and −m, one cluster
    expect(pair.plus + pair.minus).toBe(16);
    const m = solutions[0].starts[pair.representative].m;
    expect(Math.abs(overlap(m, direction))).toBeGreaterThan(0.9);
    expect(pair.overlapTop).toBeGreaterThan(0.9);
    expect(pair.overlapCritical).toBeGreaterThan(0.9);
    expect(Math.abs(overlap(topVector, direction))).toBeGreaterThan(0.9);
    expect(pair.physical).toBe(true);
    expect(cell.solutions).toBe('orderedPair');
    expect(cell.phase).toBe('hiddenOrder');
    // the spike orders every layer: q_k > 0 on each
    expect(Math.min(...pair.layerQ)).toBeGreaterThan(0.01);
  });

  it('the cluster is stable under other seeds: the same representative up to sign, |q| > 0.99', () => {
    const reps = [0, 1, 2].map((seed) => {
      const a = analyzeTapSolutions(bond, { fractionsOfTc: [0.8] }, { starts: 6, seed });
      expect(a.report.temperatures[0].clusters).toHaveLength(1);
      return a.solutions[0].starts[a.report.temperatures[0].clusters[0].representative].m;
    });
    expect(Math.abs(overlap(reps[0], reps[1]))).toBeGreaterThan(0.99);
    expect(Math.abs(overlap(reps[0], reps[2]))).toBeGreaterThan(0.99);
  });

  it('anneals: the solution at a higher T seeds the lower one, and the order grows as T falls', () => {
    const tc = tcOf(bond);
    const { temperatures } = solveTap(bond, [0.6 * tc, 0.9 * tc], { starts: 2, anneal: { from: 1.1 * tc } });
    expect(temperatures.map((t) => t.T)).toEqual([0.9 * tc, 0.6 * tc]); // decreasing T
    const [hi, lo] = temperatures;
    for (let k = 0; k < 2; k++) {
      expect(hi.starts[k].converged && lo.starts[k].converged).toBe(true);
      // the same state followed down in T: same sign, larger magnetisation
      expect(overlap(hi.starts[k].m, lo.starts[k].m)).toBeGreaterThan(0.9);
      const q = (m: Float64Array): number => m.reduce((s, x) => s + x * x, 0) / m.length;
      expect(q(lo.starts[k].m)).toBeGreaterThan(1.5 * q(hi.starts[k].m));
      // the anneal from 0.9 T_c to 0.6 T_c is the stages between them only
      expect(lo.starts[k].annealIterations).toBeLessThanOrEqual(
        20 * Math.ceil(Math.log(0.6 / 0.9) / Math.log(0.97)),
      );
    }
  });
});

describe('TAP solver: the glass of a random network', () => {
  const bond = BondMatrix.fromNetwork(glassNetwork(LAYERS, 1));
  const tc = tcOf(bond);

  it('below T_c no ordered pair: damped iteration ends at m = 0, locally stable (λ_min(H) > 0) but violating Plefka’s condition', () => {
    const { report } = analyzeTapSolutions(bond, { fractionsOfTc: [0.6] }, { starts: 16 });
    expect(report.hessianPhase).toBe('glass');
    const cell = report.temperatures[0];
    expect(cell.converged).toBe(16);
    expect(cell.clusters).toHaveLength(1);
    const para = cell.clusters[0];
    expect(para.paramagnet).toBe(true);
    expect(para.plefka).toBeGreaterThan(2); // ≈ (T_c/T)² = 2.8
    expect(para.physical).toBe(false);
    expect(cell.solutions).toBe('none');
    expect(cell.dominantShare).toBe(0);
    expect(cell.phase).toBe('glass');
    // why damping lands there: the Hessian of βF at m = 0 is still positive definite below T_c
    expect(new TapHessian(bond).lowest(1 / cell.T).lambda).toBeGreaterThan(0);
  });

  it('plain AMP (no damping) deep in the glass never converges, and every start is reported, each ending elsewhere', () => {
    const { report, solutions } = analyzeTapSolutions(
      bond,
      { fractionsOfTc: [0.5] },
      { starts: 8, maxIterations: 300, damping: { initial: 1, min: 1, max: 1 } },
    );
    const cell = report.temperatures[0];
    expect(cell.starts).toBe(8);
    expect(cell.converged).toBe(0);
    expect(cell.unconverged.count).toBe(8);
    expect(cell.unconverged.distinct).toBe(8);
    expect(cell.unconverged.residual!.min).toBeGreaterThan(0.1);
    expect(cell.solutions).toBe('none');
    expect(cell.phase).toBe('glass');
    for (const s of solutions[0].starts) {
      expect(s.stop).toBe('step-limit');
      expect(s.iterations).toBe(300);
    }
  });

  it('a small glass can hold one marginal pair: plain AMP finds it at 0.8 T_c with Plefka’s x just below 1, and the criteria disagree', () => {
    const { report } = analyzeTapSolutions(
      bond,
      { fractionsOfTc: [0.8] },
      { starts: 6, damping: { initial: 1, min: 1, max: 1 } },
    );
    const cell = report.temperatures[0];
    expect(cell.converged).toBe(6);
    expect(cell.clusters).toHaveLength(1);
    const pair = cell.clusters[0];
    expect(pair.paramagnet).toBe(false);
    expect(pair.plefka).toBeGreaterThan(0.85);
    expect(pair.plefka).toBeLessThan(1);
    expect(cell.solutions).toBe('orderedPair');
    expect(cell.hessian).toBe('glass');
    expect(cell.phase).toBe('undetermined');
    expect(tc).toBeGreaterThan(1.1);
  });
});

describe('TAP solver: honest reports and reproducibility', () => {
  const { network } = withSpike(glassNetwork([60, 40, 40, 20], 5), 3);
  const bond = BondMatrix.fromNetwork(network);
  const T = 0.8 * tcOf(bond);

  it('a start stopped by the step limit is reported as not converged, with its residual', () => {
    const { temperatures } = solveTap(bond, [T], { starts: 3, maxIterations: 2 });
    for (const s of temperatures[0].starts) {
      expect(s.converged).toBe(false);
      expect(s.stop).toBe('step-limit');
      expect(s.iterations).toBe(2);
      expect(s.residual).toBeGreaterThan(1e-3);
    }
  });

  it('rollback: a step above rollbackFactor × the best restores the best state and cuts α; the report stays honest', () => {
    const T95 = (0.95 / 0.8) * T;
    // A hair-trigger factor rolls back on every jitter while m grows out of the paramagnet.
    const strict = solveTap(bond, [T95], { starts: 4, rollbackFactor: 1.01, maxIterations: 300 })
      .temperatures[0];
    expect(strict.starts.some((s) => s.rollbacks > 10 && s.damping < 0.1)).toBe(true);
    for (const s of strict.starts) {
      if (s.converged) expect(s.residual).toBeLessThan(1e-8);
      else {
        expect(s.stop).toBe('step-limit');
        expect(s.residual).toBeGreaterThan(1e-8);
      }
    }
    // The default (1e3) never fires on this convergent problem.
    const plain = solveTap(bond, [T95], { starts: 4, maxIterations: 300 }).temperatures[0];
    for (const s of plain.starts) {
      expect(s.rollbacks).toBe(0);
      expect(s.converged).toBe(true);
    }
  });

  it('after a paramagnet above T_c a start begins afresh: the lower target gives exactly what it gives alone', () => {
    const tc = (1 / 0.8) * T;
    const anneal = { from: 1.1 * tc };
    const chain = solveTap(bond, [1.5 * tc, T], { starts: 2, anneal }).temperatures;
    const alone = solveTap(bond, [T], { starts: 2, anneal }).temperatures[0];
    expect(chain[0].starts.every((s) => s.paramagnet && s.converged)).toBe(true);
    expect(chain[1].starts.map((s) => s.m)).toEqual(alone.starts.map((s) => s.m));
    expect(chain[1].starts.every((s) => s.converged && !s.paramagnet)).toBe(true);
  });

  it('start k depends only on (seed, k), and a seed reproduces every number', () => {
    const a = solveTap(bond, [T], { starts: 3, seed: 7 }).temperatures[0].starts;
    const b = solveTap(bond, [T], { starts: 1, seed: 7 }).temperatures[0].starts;
    const c = solveTap(bond, [T], { starts: 3, seed: 7 }).temperatures[0].starts;
    expect(b[0].m).toEqual(a[0].m);
    expect(c.map((s) => s.m)).toEqual(a.map((s) => s.m));
    expect(solveTap(bond, [T], { starts: 1, seed: 8 }).temperatures[0].starts[0].m).not.toEqual(a[0].m);
  });

  it('rejects temperatures that are not positive and a start count that is not a positive integer', () => {
    expect(() => solveTap(bond, [0.5, -1])).toThrow(/temperature -1 is not positive/);
    expect(() => solveTap(bond, [])).toThrow(/no temperature/);
    expect(() => solveTap(bond, [1], { starts: 0 })).toThrow(/starts/);
  });

  it('Plefka’s x is β²(1/N)Σ(1 − m_i²)² for SK-like uniform couplings', () => {
    // all-to-all bipartite couplings of equal magnitude: J∘J is uniform, x = β² max-eigen of D(J∘J)D
    const n = 30;
    const w = Float64Array.from({ length: n * n }, (_, i) => (i % 3 === 0 ? -1 : 1) / Math.sqrt(2 * n));
    const uniform = new BondMatrix([{ weight: w, rows: n, cols: n }]);
    const c = new TapCouplings(uniform);
    const m = randomM(2 * n, 4, 0.9);
    const beta = 1.4;
    // (J∘J) = (1/2n) [[0, 11ᵀ], [11ᵀ, 0]]; D(J∘J)D has top eigenvalue (1/2n)·‖d_0‖‖d_1‖
    const d = m.map((x) => 1 - x * x);
    const norm = (v: Float64Array): number => Math.hypot(...v);
    const expected = ((beta * beta) / (2 * n)) * norm(d.subarray(0, n)) * norm(d.subarray(n));
    expect(plefkaParameter(c, m, beta)).toBeCloseTo(expected, 8);
  });
});
