/**
 * Eigenvalue densities on a grid: histograms of exact eigenvalues (integer counts) or of a weighted
 * estimate such as stochastic Lanczos quadrature (fractional counts), and the distance between two
 * of them through their cumulative distributions.
 *
 * Densities are meant to be plotted on a log scale (science.md §5, item 4): empty bins hold 0, and
 * `floor` is the density a single eigenvalue gives in a bin — the natural lower limit of the axis.
 */

export interface Histogram {
  /** Bin edges, ascending; there are counts.length + 1 of them. */
  edges: number[];
  /** Eigenvalues in each bin [edges[i], edges[i + 1]) (the last bin is closed); fractional for estimates. */
  counts: number[];
  /** counts[i] / (total · width_i): a probability density over the eigenvalues counted in `total`. */
  density: number[];
  /** 1 / (total · narrowest width): the density of one eigenvalue in a bin, a floor for log plots. */
  floor: number;
  /** The number of eigenvalues the density is normalised by. */
  total: number;
  /** Eigenvalues below the first edge and above the last one. */
  below: number;
  above: number;
}

/** `bins` equal bins on [lo, hi]. */
export function linearEdges(lo: number, hi: number, bins: number): number[] {
  checkGrid(lo, hi, bins);
  return Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + ((hi - lo) * i) / bins));
}

/** `bins` bins of equal width in log10 on [lo, hi], lo > 0: the grid for heavy tails. */
export function logEdges(lo: number, hi: number, bins: number): number[] {
  checkGrid(lo, hi, bins);
  if (!(lo > 0)) throw new RangeError('logEdges: the grid must start above 0');
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  return Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : 10 ** (a + ((b - a) * i) / bins)));
}

/**
 * The histogram of `values` on `edges`, each value counting `weights[i]` (default 1). `total` is the
 * number the density is normalised by (default: the sum of the weights).
 */
export function histogram(
  values: ArrayLike<number>,
  edges: readonly number[],
  weights?: ArrayLike<number>,
  total?: number,
): Histogram {
  const bins = edges.length - 1;
  if (bins < 1) throw new RangeError('histogram: need at least two edges');
  const counts = new Array<number>(bins).fill(0);
  let below = 0;
  let above = 0;
  let sum = 0;
  const lo = edges[0];
  const hi = edges[bins];
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    const w = weights ? weights[i] : 1;
    sum += w;
    if (x < lo) below += w;
    else if (x > hi) above += w;
    else counts[binOf(edges, x)] += w;
  }
  const norm = total ?? sum;
  let narrowest = Infinity;
  const density = counts.map((c, i) => {
    const width = edges[i + 1] - edges[i];
    narrowest = Math.min(narrowest, width);
    return norm > 0 ? c / (norm * width) : 0;
  });
  return {
    edges: [...edges],
    counts,
    density,
    floor: norm > 0 ? 1 / (norm * narrowest) : 0,
    total: norm,
    below,
    above,
  };
}

/** Index of the bin holding x (lo ≤ x ≤ hi): binary search, so any ascending grid works. */
function binOf(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

export interface CdfDistance {
  /** ∫|F_a − F_b| dx over the grid divided by its length (the mean absolute CDF difference). */
  l1: number;
  /** max |F_a − F_b| at the bin edges (Kolmogorov–Smirnov). */
  ks: number;
}

/** Distance between two histograms on the same grid, through their cumulative distributions. */
export function cdfDistance(a: Histogram, b: Histogram): CdfDistance {
  const n = a.counts.length;
  if (
    b.counts.length !== n ||
    a.edges.some((e, i) => Math.abs(e - b.edges[i]) > 1e-12 * Math.abs(e) + 1e-300)
  )
    throw new RangeError('cdfDistance: the histograms must share their grid');
  let fa = a.below / a.total;
  let fb = b.below / b.total;
  let l1 = 0;
  let ks = Math.abs(fa - fb);
  for (let i = 0; i < n; i++) {
    fa += a.counts[i] / a.total;
    fb += b.counts[i] / b.total;
    const d = Math.abs(fa - fb);
    // F at the right edge stands for the whole bin: exact in the limit of fine bins
    l1 += d * (a.edges[i + 1] - a.edges[i]);
    ks = Math.max(ks, d);
  }
  return { l1: l1 / (a.edges[n] - a.edges[0]), ks };
}

function checkGrid(lo: number, hi: number, bins: number): void {
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`histogram grid: bins must be a positive integer`);
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi))
    throw new RangeError(`histogram grid: need lo < hi, got [${lo}, ${hi}]`);
}
