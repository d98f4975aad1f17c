/**
 * Per-layer weight histograms: the distribution of the couplings W^(k)_ij of each weight matrix
 * (science.md §1: every weight is a coupling between spins of adjacent layers). Training moves
 * these distributions away from the Gaussian of the initialisation (science.md §2); the workbench
 * overlays them to compare two checkpoints or models. Only the counts leave the backend, never the
 * weights themselves.
 */
import { linearEdges } from '../spectral/histogram.ts';
import type { Network } from './network.ts';

export interface LayerWeightHistogram {
  /** k = 1..L: W^(k) couples layer k−1 to layer k. */
  layer: number;
  /** [in, out] = [N_{k−1}, N_k]. */
  shape: [number, number];
  /** in × out: the number of couplings, and the sum of `counts`. */
  count: number;
  mean: number;
  /** Population standard deviation (divides by count). */
  std: number;
  min: number;
  max: number;
  /** `bins` equal-width bins from min to max (the last one closed), edges.length = bins + 1. */
  edges: number[];
  counts: number[];
}

/** The histogram of each weight matrix of `net` on `bins` equal bins spanning its own range. */
export function layerWeightHistograms(net: Network, bins = 60): LayerWeightHistogram[] {
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`layerWeightHistograms: bins must be ≥ 1, got ${bins}`);
  return net.layers.map((l, k) => {
    const w = l.weight;
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (let i = 0; i < w.length; i++) {
      const x = w[i];
      if (x < min) min = x;
      if (x > max) max = x;
      sum += x;
    }
    const mean = sum / w.length;
    // Two passes for the variance: Σ(x − mean)² does not cancel like Σx² − n·mean² does.
    let ss = 0;
    for (let i = 0; i < w.length; i++) ss += (w[i] - mean) ** 2;
    // A constant matrix still gets a grid: a unit-wide one (or ±|x|/2) around its value.
    const half = max > min ? 0 : Math.abs(min) / 2 || 0.5;
    const edges = linearEdges(min - half, max + half, bins);
    return {
      layer: k + 1,
      shape: [l.inFeatures, l.outFeatures],
      count: w.length,
      mean,
      std: Math.sqrt(ss / w.length),
      min,
      max,
      edges,
      counts: equalWidthCounts(w, edges),
    };
  });
}

/**
 * Counts on equal-width edges by arithmetic instead of a binary search (measured 3–4× faster: the
 * 2.9 M weights of 784-1024³-10 in ~40 ms instead of ~170 ms; the backend answers this directly):
 * the estimated bin is corrected by one against the edges themselves, so every value lands in the
 * bin [edges[i], edges[i+1]) that core/spectral/histogram.ts would choose (the last bin closed).
 */
function equalWidthCounts(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const bins = edges.length - 1;
  const lo = edges[0];
  const scale = bins / (edges[bins] - lo);
  const counts = new Array<number>(bins).fill(0);
  for (let n = 0; n < values.length; n++) {
    const x = values[n];
    let i = Math.min(bins - 1, Math.max(0, Math.floor((x - lo) * scale)));
    if (i < bins - 1 && x >= edges[i + 1]) i++;
    else if (i > 0 && x < edges[i]) i--;
    counts[i]++;
  }
  return counts;
}
