/**
 * Networks with a known spin-model phase, for the TAP tests: a random layered SK net (glass) plus
 * a strong rank-one spike across all layers (hidden order), with the spike's direction in spin
 * space. Dense references of the TAP formulas, independent of the block-form code.
 */
import { randomNetwork } from '../../src-main/core/network/init.ts';
import type { Network } from '../../src-main/core/network/network.ts';
import { BondMatrix } from '../../src-main/core/spin/bondMatrix.ts';
import { Random } from '../../src-main/core/util/random.ts';

export interface SpikedNetwork {
  network: Network;
  /**
   * Unit vector (length N) of the spike in spin space: Σ_k c_k x_k with x_k the unit vector on
   * layer k and c_k ∝ sin(π(k+1)/(L+2)), the top eigenvector of θ × (the path of L+1 layers).
   */
  direction: Float64Array;
}

/** Adds θ·x_{k−1} x_kᵀ to every weight matrix W^(k) ([in, out]), x_k random unit vectors on layer k. */
export function withSpike(net: Network, theta: number, seed = 11): SpikedNetwork {
  const rng = new Random(seed);
  const widths = [net.inputSize, ...net.layers.map((l) => l.outFeatures)];
  const xs = widths.map((n) => {
    const v = Float64Array.from({ length: n }, () => rng.normal());
    const norm = Math.hypot(...v);
    return v.map((a) => a / norm);
  });
  const network: Network = {
    ...net,
    layers: net.layers.map((l, k) => {
      const w = Float32Array.from(l.weight);
      for (let i = 0; i < l.inFeatures; i++)
        for (let j = 0; j < l.outFeatures; j++) w[i * l.outFeatures + j] += theta * xs[k][i] * xs[k + 1][j];
      return { ...l, weight: w };
    }),
  };
  const L = widths.length - 1;
  const c = widths.map((_, k) => Math.sin((Math.PI * (k + 1)) / (L + 2)));
  const cNorm = Math.hypot(...c);
  const direction = Float64Array.from(xs.flatMap((x, k) => Array.from(x, (v) => (v * c[k]) / cNorm)));
  return { network, direction };
}

/** A random layered net with Gaussian weights of variance C / fan-in (C = 1: T_c ≈ 1–1.3). */
export function glassNetwork(widths: number[], seed: number, c = 1): Network {
  return randomNetwork({ widths, seed, init: { gaussianC: c } });
}

/** βF(m) of science.md §3 from the dense J, term by term. */
export function denseTapFreeEnergy(bond: BondMatrix, m: Float64Array, beta: number): number {
  const n = bond.size;
  const j = bond.toDense();
  let f = 0;
  for (let i = 0; i < n; i++) {
    const p = (1 + m[i]) / 2;
    const q = (1 - m[i]) / 2;
    f += (p > 0 ? p * Math.log(p) : 0) + (q > 0 ? q * Math.log(q) : 0);
    for (let l = 0; l < n; l++) {
      const jl = j[i * n + l];
      f -= (beta / 2) * jl * m[i] * m[l];
      f -= ((beta * beta) / 4) * jl * jl * (1 - m[i] * m[i]) * (1 - m[l] * m[l]);
    }
  }
  return f;
}

/** ‖m − tanh(β J m − β² m ∘ (J∘J)(1 − m²))‖∞ from the dense J. */
export function denseTapResidual(bond: BondMatrix, m: Float64Array, beta: number): number {
  const n = bond.size;
  const j = bond.toDense();
  let r = 0;
  for (let i = 0; i < n; i++) {
    let h = 0;
    let w = 0;
    for (let l = 0; l < n; l++) {
      h += j[i * n + l] * m[l];
      w += j[i * n + l] ** 2 * (1 - m[l] * m[l]);
    }
    r = Math.max(r, Math.abs(m[i] - Math.tanh(beta * h - beta * beta * m[i] * w)));
  }
  return r;
}
