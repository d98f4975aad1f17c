/**
 * WeightWatcher-style diagnostics of one weight matrix (core/spectral/layerDiagnostics.ts): the
 * Marchenko–Pastur bulk and its spikes, the tail exponent of a heavy-tailed random matrix, stable
 * rank and norms.
 */
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../../src-main/core/linalg/symmetricEigen.ts';
import { weightDiagnostics } from '../../../src-main/core/spectral/layerDiagnostics.ts';
import { Random } from '../../../src-main/core/util/random.ts';

function gaussian(rows: number, cols: number, sd: number, rng: Random): Float64Array {
  return Float64Array.from({ length: rows * cols }, () => sd * rng.normal());
}

/** W += Σ_r θ_r u_r v_rᵀ with unit random u, v: a rank-k signal of singular values ≈ θ_r. */
function addSignal(w: Float64Array, rows: number, cols: number, thetas: number[], rng: Random): void {
  for (const theta of thetas) {
    const u = Array.from({ length: rows }, () => rng.normal() / Math.sqrt(rows));
    const v = Array.from({ length: cols }, () => rng.normal() / Math.sqrt(cols));
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) w[i * cols + j] += theta * u[i] * v[j];
  }
}

describe('Marchenko–Pastur bulk of a pure Gaussian W', () => {
  const shapes: [number, number][] = [
    [400, 300],
    [300, 300],
    [500, 200],
    [200, 500], // stored [in, out] with in < out: analysed as its transpose
  ];

  it('σ², λ+ = σ²(1 + √q)² match the truth within 2%; λ_max sits at the edge; no significant spike', () => {
    let significant = 0;
    for (const [rows, cols] of shapes) {
      for (const seed of [1, 2, 3]) {
        const sd = 0.05;
        const d = weightDiagnostics(gaussian(rows, cols, sd, new Random(seed)), rows, cols, 1);
        const N = Math.max(rows, cols);
        const M = Math.min(rows, cols);
        expect([d.N, d.M, d.q]).toEqual([N, M, M / N]);
        expect(d.eigenvalues).toHaveLength(M);
        expect(Math.abs(d.mp.sigma2 / sd ** 2 - 1)).toBeLessThan(0.02);
        const lambdaPlus = sd ** 2 * (1 + Math.sqrt(M / N)) ** 2;
        expect(Math.abs(d.mp.lambdaPlus / lambdaPlus - 1)).toBeLessThan(0.02);
        // the largest eigenvalue fluctuates on the Tracy–Widom scale around the edge
        const lambdaMax = d.eigenvalues[M - 1];
        expect(Math.abs(lambdaMax - d.mp.lambdaPlus)).toBeLessThan(6 * d.mp.tracyWidom.scale);
        // beyond λ+: nothing, or an eigenvalue or two within the fluctuation
        expect(d.mp.spikes).toBeLessThanOrEqual(2);
        significant += d.mp.significantSpikes;
        expect(d.mp.softRank).toBeGreaterThan(0.9);
      }
    }
    // the 99% Tracy–Widom threshold: at most one false spike in these 12 pure-noise matrices
    expect(significant).toBeLessThanOrEqual(1);
  });

  for (const k of [1, 3, 5]) {
    it(`W = Gaussian + rank-${k} strong signal has exactly ${k} spikes`, () => {
      const rng = new Random(10 + k);
      const rows = 400;
      const cols = 300;
      const w = gaussian(rows, cols, 1, rng);
      // BBP threshold for the singular values: (N M)^(1/4) σ ≈ 18.6; these are 2–4× above it
      addSignal(
        w,
        rows,
        cols,
        Array.from({ length: k }, (_, r) => 40 + 15 * r),
        rng,
      );
      const d = weightDiagnostics(w, rows, cols, 2);
      expect(d.mp.spikes).toBe(k);
      expect(d.mp.significantSpikes).toBe(k);
      // the bulk fit does not notice the signal
      expect(Math.abs(d.mp.sigma2 - 1)).toBeLessThan(0.03);
      expect(d.mp.bulkMax).toBeLessThanOrEqual(d.mp.lambdaPlus);
      // the mean-based σ² does: the spikes' weight inflates it
      expect(d.mp.sigma2Mean).toBeGreaterThan(d.mp.sigma2);
    });
  }
});

describe('tail exponent of a heavy-tailed random matrix', () => {
  // Entries w = ±|x| with P(|x| > t) = t^(−μ), μ < 2 (infinite variance): the large eigenvalues of
  // WᵀW are the squares of the largest entries, so the ESD's tail has density ∝ λ^(−(1 + μ/2))
  // (Martin & Mahoney 2021, §"Very heavy-tailed"). For μ ≥ 1.5 finite-size effects at this size
  // exceed 0.1, and for 2 < μ < 4 the fitted alpha is not 1 + μ/2 at all; neither is asserted here.
  for (const mu of [0.5, 1]) {
    it(`ESD of a 1000 × 500 matrix with Pareto(μ = ${mu}) entries has alpha = 1 + μ/2 within 0.1`, () => {
      for (const seed of [1, 2]) {
        const rng = new Random(seed);
        const w = Float64Array.from(
          { length: 1000 * 500 },
          () => (rng.uniform() < 0.5 ? -1 : 1) * Math.pow(1 - rng.uniform(), -1 / mu),
        );
        const d = weightDiagnostics(w, 1000, 500, 1);
        expect(Math.abs(d.powerLaw!.alpha - (1 + mu / 2))).toBeLessThan(0.1);
      }
    });
  }
});

describe('stable rank and norms', () => {
  it('equal a direct computation, in both units (plain norms of W and WeightWatcher’s)', () => {
    const rows = 45;
    const cols = 60;
    const rng = new Random(3);
    const w = gaussian(rows, cols, 0.3, rng);
    addSignal(w, rows, cols, [5], rng);
    const d = weightDiagnostics(w, rows, cols, 1, { minEigenvalues: 10 });
    // ‖W‖_F² directly; ‖W‖_2² as the top eigenvalue of WᵀW formed by plain loops (60 × 60)
    const frob2 = w.reduce((s, x) => s + x * x, 0);
    const wtw = new Float64Array(cols * cols);
    for (let a = 0; a < cols; a++)
      for (let b = 0; b < cols; b++)
        for (let i = 0; i < rows; i++) wtw[a * cols + b] += w[i * cols + a] * w[i * cols + b];
    const spec2 = symmetricEigen(wtw, cols, false).values[cols - 1];
    expect(d.stableRank).toBeCloseTo(frob2 / spec2, 10);
    expect(d.log10FrobeniusNorm).toBeCloseTo(Math.log10(Math.sqrt(frob2)), 12);
    expect(d.log10SpectralNorm).toBeCloseTo(Math.log10(Math.sqrt(spec2)), 12);
    expect(d.weightwatcher.logNorm).toBeCloseTo(Math.log10(frob2), 12);
    expect(d.weightwatcher.logSpectralNorm).toBeCloseTo(Math.log10(spec2), 12);
    expect(d.weightwatcher.alphaWeighted).toBeCloseTo(d.powerLaw!.alpha * Math.log10(spec2), 10);
    // the ESD is normalised by N = max(in, out) = 60: Σ λ = ‖W‖_F² / N
    expect(d.N).toBe(60);
    expect(d.eigenvalues.reduce((a, b) => a + b, 0)).toBeCloseTo(frob2 / 60, 10);
    expect(d.shape).toEqual([45, 60]);
  });

  it('a layer with fewer eigenvalues than minEigenvalues gets no alpha, with a warning naming it', () => {
    const d = weightDiagnostics(gaussian(512, 10, 0.1, new Random(1)), 512, 10, 4);
    expect(d.powerLaw).toBeNull();
    expect(d.weightwatcher.alphaWeighted).toBeNull();
    expect(d.warnings[0]).toMatch(/^layer 4: 10 nonzero eigenvalues, fewer than 20/);
    expect(d.mp.q).toBeCloseTo(10 / 512, 14);
  });
});
