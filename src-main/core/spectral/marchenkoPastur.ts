/**
 * The Marchenko–Pastur law: the eigenvalue density of X = WᵀW/N for W (N × M, N ≥ M) with i.i.d.
 * entries of variance σ². With q = M/N ≤ 1 it has no atom at 0 and lives on [λ−, λ+],
 *     λ± = σ² (1 ± √q)²,      ρ(x) = √((λ+ − x)(x − λ−)) / (2π σ² q x).
 * Eigenvalues beyond λ+ are "spikes" (WeightWatcher's num_spikes): rank-one signals stronger than the
 * BBP threshold, or finite-size fluctuations of the edge, whose scale is the Tracy–Widom law.
 *
 * σ² is estimated from the bulk, robustly: the least-squares scale between the empirical and the
 * σ² = 1 quantiles over the central 10–90% of the spectrum. Spikes and a heavy tail sit in the top
 * ranks, outside that window, where the mean (the Frobenius norm, also reported) takes their whole
 * weight. (On pure Gaussian W of a few hundred, the central-quantile fit scatters by ~0.5% — half
 * the scatter of the median alone.)
 */

export interface MpFit {
  /** Aspect ratio q = M/N ≤ 1. */
  q: number;
  /** σ² from the central quantiles (the fit used for the edges). */
  sigma2: number;
  /** σ² from the mean eigenvalue, ‖W‖_F² / (N M): inflated by spikes. */
  sigma2Mean: number;
  lambdaMinus: number;
  lambdaPlus: number;
  /** Eigenvalues above λ+ (WeightWatcher's num_spikes). */
  spikes: number;
  /**
   * Eigenvalues above the 99% quantile of the Tracy–Widom (β = 1) law of λ_max for pure noise of this
   * σ² and shape (Johnstone 2001): the spikes a pure Gaussian W produces with probability ≤ 1%.
   */
  significantSpikes: number;
  /** That 99% threshold and the Tracy–Widom scale σ_TW, both in units of X's eigenvalues. */
  tracyWidom: { threshold99: number; scale: number };
  /** Largest eigenvalue not above λ+ (λ+ itself if there is none). */
  bulkMax: number;
  /** λ+ / λ_max (WeightWatcher's mp_softrank): about 1 for pure noise, → 0 as a spike dominates. */
  softRank: number;
}

/** The 0.99 quantile of the Tracy–Widom distribution F₁ (Tracy & Widom 1996; Bejan's tables). */
const TW1_Q99 = 2.0234;

export function mpEdges(q: number, sigma2 = 1): { lambdaMinus: number; lambdaPlus: number } {
  checkRatio(q);
  const r = Math.sqrt(q);
  return { lambdaMinus: sigma2 * (1 - r) ** 2, lambdaPlus: sigma2 * (1 + r) ** 2 };
}

export function mpDensity(x: number, q: number, sigma2 = 1): number {
  const { lambdaMinus: a, lambdaPlus: b } = mpEdges(q, sigma2);
  if (x <= a || x >= b) return 0;
  return Math.sqrt((b - x) * (x - a)) / (2 * Math.PI * sigma2 * q * x);
}

/**
 * CDF of the σ² = 1 law. With x = a + (b − a)(1 − cos t)/2 the integrand becomes
 * ((b − a)/2)² sin² t / (2π q x(t)), smooth on [0, π] for every q ∈ (0, 1] (even q = 1, where a = 0),
 * so composite Simpson converges fast.
 */
export function mpCdf(x: number, q: number): number {
  const { lambdaMinus: a, lambdaPlus: b } = mpEdges(q);
  if (x <= a) return 0;
  if (x >= b) return 1;
  return cdfAtAngle(Math.acos(1 - (2 * (x - a)) / (b - a)), a, b, q);
}

/** The p-quantile of the σ² = 1 law (bisection on the angle variable). */
export function mpQuantile(p: number, q: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError('mpQuantile: p must be in [0, 1]');
  const { lambdaMinus: a, lambdaPlus: b } = mpEdges(q);
  let lo = 0;
  let hi = Math.PI;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (cdfAtAngle(mid, a, b, q) < p) lo = mid;
    else hi = mid;
  }
  const t = (lo + hi) / 2;
  return a + ((b - a) * (1 - Math.cos(t))) / 2;
}

function cdfAtAngle(t: number, a: number, b: number, q: number): number {
  const panels = 256; // even
  const h = t / panels;
  const c = ((b - a) / 2) ** 2 / (2 * Math.PI * q);
  const g = (s: number): number => {
    const x = a + ((b - a) * (1 - Math.cos(s))) / 2;
    const sin = Math.sin(s);
    // at q = 1 and s = 0 both vanish; the limit is 4 / b
    return x > 0 ? (c * sin * sin) / x : (c * 4) / (b - a);
  };
  let sum = g(0) + g(t);
  for (let i = 1; i < panels; i++) sum += (i % 2 === 1 ? 4 : 2) * g(i * h);
  return Math.min(1, (sum * h) / 3);
}

/**
 * The MP fit of the eigenvalues of X = WᵀW/N (any order; M of them) for a W of N × M, N ≥ M.
 */
export function fitMarchenkoPastur(eigenvalues: ArrayLike<number>, N: number, M: number): MpFit {
  if (!(N >= M && M >= 1)) throw new RangeError(`fitMarchenkoPastur: need N ≥ M ≥ 1, got ${N} × ${M}`);
  if (eigenvalues.length !== M) throw new RangeError(`fitMarchenkoPastur: expected ${M} eigenvalues`);
  const q = M / N;
  const sorted = Float64Array.from(eigenvalues).sort();
  const sigma2 = bulkScale(sorted, q);
  const sigma2Mean = sorted.reduce((s, v) => s + v, 0) / M;
  const { lambdaMinus, lambdaPlus } = mpEdges(q, sigma2);
  // Johnstone (2001): λ_max(WᵀW)/σ² ≈ μ + σ_TW·TW₁, μ = (√(N−1) + √M)², for real Gaussian W
  const rn = Math.sqrt(Math.max(N - 1, 1));
  const rm = Math.sqrt(M);
  const mu = (rn + rm) ** 2;
  const scaleTW = (rn + rm) * Math.cbrt(1 / rn + 1 / rm);
  const threshold99 = (sigma2 * (mu + TW1_Q99 * scaleTW)) / N;
  const lambdaMax = sorted[M - 1];
  let bulkMax = lambdaPlus;
  for (let i = M - 1; i >= 0; i--) {
    if (sorted[i] <= lambdaPlus) {
      bulkMax = sorted[i];
      break;
    }
  }
  return {
    q,
    sigma2,
    sigma2Mean,
    lambdaMinus,
    lambdaPlus,
    spikes: sorted.filter((v) => v > lambdaPlus).length,
    significantSpikes: sorted.filter((v) => v > threshold99).length,
    tracyWidom: { threshold99, scale: (sigma2 * scaleTW) / N },
    bulkMax,
    softRank: lambdaMax > 0 ? lambdaPlus / lambdaMax : 1,
  };
}

/**
 * Least-squares σ² from the quantiles p = 0.10, 0.11, …, 0.90: Σ e(p) t(p) / Σ t(p)², e the empirical
 * quantile (plotting positions (i + ½)/M, linear interpolation), t the σ² = 1 law's.
 */
function bulkScale(sorted: Float64Array, q: number): number {
  const M = sorted.length;
  if (M === 1) return Math.max(sorted[0], 0) / mpQuantile(0.5, q);
  let num = 0;
  let den = 0;
  for (let k = 10; k <= 90; k++) {
    const p = k / 100;
    const h = Math.min(Math.max(p * M - 0.5, 0), M - 1);
    const i = Math.floor(h);
    const e = i + 1 < M ? sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
    const t = mpQuantile(p, q);
    num += Math.max(e, 0) * t;
    den += t * t;
  }
  return num / den;
}

function checkRatio(q: number): void {
  if (!(q > 0 && q <= 1))
    throw new RangeError(`Marchenko–Pastur: the aspect ratio q = M/N must be in (0, 1], got ${q}`);
}
