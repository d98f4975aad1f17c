/**
 * Where an eigenvector of J lives across the layers of the network.
 *
 * The outliers of a trained network's bond spectrum carry its hidden order (science.md §3, §4): the
 * TAP solution below T_c aligns with the top eigenvector. Which layers that vector occupies says
 * which weights built the order. Two numbers per vector:
 *   layer shares   Σ_{i ∈ layer k} x_i² / Σ_i x_i²: sums to 1 over the layers;
 *   participation  (Σ x_i²)² / (N Σ x_i⁴): about 1/3 for a random unit vector (Gaussian components),
 *                  1/N for a vector on one spin — the usual inverse-participation-ratio measure.
 * An eigenvector of J for +σ is [v; B v/σ]/√2 on the two bipartite sides, so half its weight is on the
 * even layers and half on the odd ones, and −σ has the same shares.
 */

export interface EigenvectorLocalisation {
  /** The eigenvalue of J this vector belongs to. */
  eigenvalue: number;
  /** Share of the squared weight on each spin layer 0..L; sums to 1. */
  layerShares: number[];
  /** The layer with the largest share. */
  dominantLayer: number;
  /** (Σ x²)² / (N Σ x⁴). */
  participationRatio: number;
}

/** Shares of the squared weight of x per layer; `offsets` are the layer starts with offsets[L + 1] = N. */
export function layerShares(offsets: readonly number[], x: ArrayLike<number>): number[] {
  const n = offsets[offsets.length - 1];
  if (x.length !== n) throw new RangeError(`layerShares: vector of ${x.length} for ${n} spins`);
  const shares: number[] = [];
  let total = 0;
  for (let k = 0; k + 1 < offsets.length; k++) {
    let s = 0;
    for (let i = offsets[k]; i < offsets[k + 1]; i++) s += x[i] * x[i];
    shares.push(s);
    total += s;
  }
  return total > 0 ? shares.map((s) => s / total) : shares;
}

export function participationRatio(x: ArrayLike<number>): number {
  let s2 = 0;
  let s4 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] * x[i];
    s2 += v;
    s4 += v * v;
  }
  return s4 > 0 ? (s2 * s2) / (x.length * s4) : 0;
}

export function localise(
  offsets: readonly number[],
  eigenvalue: number,
  x: ArrayLike<number>,
): EigenvectorLocalisation {
  const shares = layerShares(offsets, x);
  let dominantLayer = 0;
  shares.forEach((s, k) => (s > shares[dominantLayer] ? (dominantLayer = k) : 0));
  return { eigenvalue, layerShares: shares, dominantLayer, participationRatio: participationRatio(x) };
}
