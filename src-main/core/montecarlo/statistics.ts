/**
 * Error bars for Markov-chain time series, whose successive values are correlated.
 *
 * - Integrated autocorrelation time with Sokal's automatic window (A. D. Sokal, "Monte Carlo
 *   methods in statistical mechanics", 1996, §3): τ_int(W) = ½ + Σ_{t=1..W} ρ(t), W the smallest
 *   window with W ≥ c·τ_int(W); its error from Madras–Sokal, σ(τ) ≈ τ √(2(2W + 1)/n). The variance
 *   of a mean of n correlated samples is 2 τ_int σ²/n. For AR(1), ρ(t) = φᵗ and τ_int = (1+φ)/(2(1−φ)).
 * - Jackknife over blocks (B. Efron; for MC e.g. Berg, "Markov chain Monte Carlo simulations", §2.7):
 *   the n samples are cut into equal consecutive blocks longer than the correlation time, and a
 *   derived quantity f(⟨a⟩, ⟨b⟩, …) (specific heat, susceptibility, Binder cumulant) is recomputed
 *   leaving one block out at a time: σ_f² = (B − 1)/B · Σ_j (f_j − f̄)².
 */

export interface AutocorrelationTime {
  /** τ_int in units of the sampling interval (≥ ½; ½ for uncorrelated samples). */
  tau: number;
  /** Statistical error of τ_int (Madras–Sokal). */
  error: number;
  /** The window W that was used. */
  window: number;
  /** False when no window W ≤ n/4 satisfied W ≥ c·τ(W): the series is too short for τ. */
  converged: boolean;
}

/** τ_int of a series with Sokal's automatic windowing (c = 6 by default). */
export function integratedAutocorrelationTime(x: ArrayLike<number>, c = 6): AutocorrelationTime {
  const n = x.length;
  if (n < 2) return { tau: 0.5, error: 0, window: 0, converged: false };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  const d = new Float64Array(n);
  let g0 = 0;
  for (let i = 0; i < n; i++) {
    d[i] = x[i] - mean;
    g0 += d[i] * d[i];
  }
  // A constant series has no fluctuations to correlate.
  if (g0 <= 1e-300 * n) return { tau: 0.5, error: 0, window: 0, converged: true };
  // All lags at once by FFT (Wiener–Khinchin): O(n log n) even when no window satisfies the rule.
  const gamma = autocovariance(d);
  let tau = 0.5;
  const maxWindow = Math.floor(n / 4);
  for (let t = 1; t <= maxWindow; t++) {
    tau += gamma[t] / gamma[0];
    if (t >= c * tau)
      return { tau, error: tau * Math.sqrt((2 * (2 * t + 1)) / n), window: t, converged: true };
  }
  return {
    tau: Math.max(tau, 0.5),
    error: Math.max(tau, 0.5) * Math.sqrt((2 * (2 * maxWindow + 1)) / n),
    window: maxWindow,
    converged: false,
  };
}

/**
 * Γ(t) = Σ_i d_i d_{i+t} for t = 0…n−1 (unnormalised autocovariance of a centred series): the
 * inverse FFT of |FFT(d)|² with the series zero-padded to ≥ 2n, so the circular correlation
 * equals the linear one.
 */
export function autocovariance(d: ArrayLike<number>): Float64Array {
  const n = d.length;
  let m = 1;
  while (m < 2 * n) m *= 2;
  const re = new Float64Array(m);
  const im = new Float64Array(m);
  for (let i = 0; i < n; i++) re[i] = d[i];
  fft(re, im, false);
  for (let k = 0; k < m; k++) {
    re[k] = re[k] * re[k] + im[k] * im[k];
    im[k] = 0;
  }
  fft(re, im, true);
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) out[t] = re[t] / m;
  return out;
}

/** In-place iterative radix-2 FFT (length a power of two); `inverse` flips the sign, without 1/m. */
function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const m = re.length;
  for (let i = 1, j = 0; i < m; i++) {
    let bit = m >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= m; len *= 2) {
    const angle = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(angle);
    const wi = Math.sin(angle);
    for (let start = 0; start < m; start += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = start + k;
        const b = a + len / 2;
        const xr = re[b] * cr - im[b] * ci;
        const xi = re[b] * ci + im[b] * cr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
        const next = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = next;
      }
    }
  }
}

export interface Estimate {
  value: number;
  error: number;
}

/**
 * Means of `blocks` equal consecutive blocks of the series (the first n mod blocks samples, the
 * oldest, are dropped so that every block has the same length).
 */
export function blockMeans(x: ArrayLike<number>, blocks: number): Float64Array {
  const len = Math.floor(x.length / blocks);
  if (len < 1) throw new RangeError(`blockMeans: ${x.length} samples cannot fill ${blocks} blocks`);
  const start = x.length - len * blocks;
  const out = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) {
    let s = 0;
    for (let i = start + b * len; i < start + (b + 1) * len; i++) s += x[i];
    out[b] = s / len;
  }
  return out;
}

/**
 * Jackknife estimate of f(⟨x_1⟩, …, ⟨x_q⟩) from q series of equal length, cut into `blocks`
 * blocks. The value is f of the full means; the error is the jackknife spread of the leave-one-block-
 * out estimates.
 */
export function jackknife(
  series: readonly ArrayLike<number>[],
  blocks: number,
  f: (means: readonly number[]) => number,
): Estimate {
  const b = series.map((s) => blockMeans(s, blocks));
  const full = b.map((m) => m.reduce((a, v) => a + v, 0) / blocks);
  const value = f(full);
  if (blocks < 2) return { value, error: NaN };
  const loo = new Float64Array(blocks);
  for (let j = 0; j < blocks; j++) {
    loo[j] = f(b.map((m, q) => (blocks * full[q] - m[j]) / (blocks - 1)));
  }
  let mean = 0;
  for (const v of loo) mean += v;
  mean /= blocks;
  let s = 0;
  for (const v of loo) s += (v - mean) ** 2;
  return { value, error: Math.sqrt(((blocks - 1) / blocks) * s) };
}

/** Mean of a series with its blocked (binning) error: the jackknife of the identity. */
export function blockedMean(x: ArrayLike<number>, blocks: number): Estimate {
  return jackknife([x], blocks, ([m]) => m);
}
