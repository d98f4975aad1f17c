/**
 * The network's Ising model as the Monte Carlo sees it (science.md §1):
 *     H(σ) = − Σ_{k=1..L} Σ_{i∈k−1, j∈k} W^(k)_ij σ_i σ_j,   W^(k) row-major [N_{k−1}, N_k],
 * every layer a block of spins, input and output included, biases dropped.
 *
 * The chain of layers is bipartite: a coupling always joins an even layer to an odd one. Given the
 * odd layers, the spins of all even layers are independent (and vice versa), each in its local
 * field h_i = Σ_j J_ij σ_j; that is what makes the checkerboard update exact. It also makes the
 * energy free: every bond touches exactly one even layer, so E = − Σ_{i even} σ_i h_i with the
 * fields computed from the odd layers.
 *
 * Many copies of the system (replicas × temperatures, R in all) are simulated together. Layer k's
 * spins are one row-major [R, N_k] float32 matrix of ±1 (replica-major), so the fields of a layer
 * for every replica are one matrix product: H_k = S_{k−1}·W^(k) + S_{k+1}·W^(k+1)ᵀ.
 */
import { layerWidths, NetworkError, type Network } from '../network/network.ts';

export type Parity = 0 | 1;

export class SpinChain {
  /** N_0..N_L. */
  readonly widths: readonly number[];
  /** Start of each layer in the flat spin numbering; offsets[L + 1] = N. */
  readonly offsets: readonly number[];
  /** Number of spins N. */
  readonly size: number;
  /** W^(k) for k = 1..L as float32, row-major [N_{k−1}, N_k] (index k − 1). */
  readonly weights: readonly Float32Array[];

  constructor(widths: readonly number[], weights: readonly ArrayLike<number>[]) {
    if (widths.length < 2) throw new NetworkError('spin chain: needs at least two layers');
    if (weights.length !== widths.length - 1)
      throw new NetworkError('spin chain: one weight matrix per layer pair');
    weights.forEach((w, k) => {
      if (w.length !== widths[k] * widths[k + 1])
        throw new NetworkError(
          `spin chain: weight ${k + 1} has ${w.length} values, expected ${widths[k]}×${widths[k + 1]}`,
        );
    });
    this.widths = [...widths];
    const offsets = [0];
    for (const n of widths) offsets.push(offsets[offsets.length - 1] + n);
    this.offsets = offsets;
    this.size = offsets[offsets.length - 1];
    this.weights = weights.map((w) => Float32Array.from(w));
  }

  /** The spin model of a network; biases are not couplings (science.md §1). */
  static fromNetwork(net: Network): SpinChain {
    return new SpinChain(
      layerWidths(net),
      net.layers.map((l) => l.weight),
    );
  }

  /** Index L of the last layer. */
  get lastLayer(): number {
    return this.widths.length - 1;
  }

  /** The layers of one parity (0: even layers 0, 2, …; 1: odd layers). */
  layersOf(parity: Parity): number[] {
    return this.widths.map((_, k) => k).filter((k) => k % 2 === parity);
  }

  /** Number of spins in the layers of one parity. */
  spinsOf(parity: Parity): number {
    return this.layersOf(parity).reduce((a, k) => a + this.widths[k], 0);
  }

  /** Number of couplings (bonds). */
  get couplings(): number {
    return this.weights.reduce((a, w) => a + w.length, 0);
  }

  /** E(σ) of one configuration given as a flat ±1 vector of length N (float64 sums; a reference). */
  energy(sigma: ArrayLike<number>): number {
    let e = 0;
    for (let k = 1; k <= this.lastLayer; k++) {
      const w = this.weights[k - 1];
      const n = this.widths[k - 1];
      const m = this.widths[k];
      const a = this.offsets[k - 1];
      const b = this.offsets[k];
      for (let i = 0; i < n; i++) {
        let h = 0;
        for (let j = 0; j < m; j++) h += w[i * m + j] * sigma[b + j];
        e -= sigma[a + i] * h;
      }
    }
    return e;
  }
}

/** Spins of every layer for R copies: layer k is a row-major [R, N_k] float32 matrix of ±1. */
export type SpinLayers = Float32Array[];

export function allocateLayers(chain: SpinChain, copies: number): SpinLayers {
  return chain.widths.map((n) => new Float32Array(copies * n));
}

/** Copy r's configuration as a flat ±1 vector of length N. */
export function configuration(chain: SpinChain, spins: SpinLayers, r: number): Float64Array {
  const out = new Float64Array(chain.size);
  chain.widths.forEach((n, k) => {
    const s = spins[k];
    const o = chain.offsets[k];
    for (let i = 0; i < n; i++) out[o + i] = s[r * n + i];
  });
  return out;
}
