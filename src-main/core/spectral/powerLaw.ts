/**
 * Power-law fit of a tail by the method of Clauset, Shalizi & Newman, "Power-law distributions in
 * empirical data", SIAM Rev. 51, 661 (2009) — the fit WeightWatcher reports as alpha, xmin and D.
 *
 * Model: density p(x) ∝ x^(−α) for x ≥ xmin. For a given xmin the continuous maximum-likelihood
 * exponent is (CSN eq. 3.1)
 *     α = 1 + n / Σ_{x_i ≥ xmin} ln(x_i / xmin),   with standard error (α − 1)/√n,
 * and xmin is the candidate (every distinct data value) that minimises the Kolmogorov–Smirnov
 * distance D = max |S(x) − P(x)| between the tail's empirical CDF S and the fitted
 * P(x) = 1 − (x/xmin)^(1−α). The whole α(xmin), D(xmin) curve is returned: when α moves a lot among
 * candidates of nearly the same D, the fit is fragile, and `alphaRange` says by how much.
 */

export interface PowerLawOptions {
  /** Smallest tail (number of values ≥ xmin) a candidate may have (default 10). */
  minTail?: number;
  /**
   * alphaRange spans the candidates whose D is within this of the best D (default 0.01): a wide
   * range means that nearly equally good xmin give quite different exponents.
   */
  fragileTolerance?: number;
}

export interface PowerLawFit {
  /** Exponent of the density p(x) ∝ x^(−α) (WeightWatcher's alpha). */
  alpha: number;
  /** Standard error (α − 1)/√n of α at the chosen xmin (CSN eq. 3.2). */
  alphaError: number;
  xmin: number;
  /** KS distance at the chosen xmin. */
  D: number;
  /** Values in the tail, x ≥ xmin (WeightWatcher's num_pl_spikes). */
  tailSize: number;
  /** [min, max] of α over the candidates with D ≤ D_best + fragileTolerance. */
  alphaRange: [number, number];
  /** The scan over candidate xmin, ascending. */
  curve: { xmin: number[]; alpha: number[]; D: number[]; tailSize: number[] };
}

/** The CSN fit of the positive values, or null if fewer than minTail of them (or all equal). */
export function fitPowerLaw(values: ArrayLike<number>, opts: PowerLawOptions = {}): PowerLawFit | null {
  const minTail = Math.max(2, opts.minTail ?? 10);
  const tolerance = opts.fragileTolerance ?? 0.01;
  const positive: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] > 0) positive.push(values[i]);
  const x = Float64Array.from(positive).sort();
  const n = x.length;
  if (n < minTail) return null;
  // suffix[i] = Σ_{j ≥ i} ln x_j
  const logs = x.map(Math.log);
  const suffix = new Float64Array(n + 1);
  for (let i = n - 1; i >= 0; i--) suffix[i] = suffix[i + 1] + logs[i];

  const curve: PowerLawFit['curve'] = { xmin: [], alpha: [], D: [], tailSize: [] };
  let best = -1;
  for (let i = 0; i + minTail <= n; i++) {
    if (i > 0 && x[i] === x[i - 1]) continue; // a tail starts at the first of equal values
    const tail = n - i;
    const sumLog = suffix[i] - tail * logs[i];
    if (!(sumLog > 0)) continue; // all equal: no exponent
    const alpha = 1 + tail / sumLog;
    const D = ksDistance(logs, i, alpha);
    curve.xmin.push(x[i]);
    curve.alpha.push(alpha);
    curve.D.push(D);
    curve.tailSize.push(tail);
    if (best < 0 || D < curve.D[best]) best = curve.D.length - 1;
  }
  if (best < 0) return null;
  const near = curve.alpha.filter((_, k) => curve.D[k] <= curve.D[best] + tolerance);
  const alpha = curve.alpha[best];
  const tailSize = curve.tailSize[best];
  return {
    alpha,
    alphaError: (alpha - 1) / Math.sqrt(tailSize),
    xmin: curve.xmin[best],
    D: curve.D[best],
    tailSize,
    alphaRange: [Math.min(...near), Math.max(...near)],
    curve,
  };
}

/**
 * max |S − P| over the tail x[start..n) (ascending, given as ln x), S the empirical CDF, P the fitted power law.
 * Both sides of each step of S are compared, so ties and the sup between points are covered.
 */
function ksDistance(logs: Float64Array, start: number, alpha: number): number {
  const n = logs.length - start;
  const lx0 = logs[start];
  let d = 0;
  for (let j = start; j < logs.length; j++) {
    const p = 1 - Math.exp((1 - alpha) * (logs[j] - lx0));
    const before = (j - start) / n;
    const after = (j - start + 1) / n;
    d = Math.max(d, Math.abs(p - before), Math.abs(after - p));
  }
  return d;
}
