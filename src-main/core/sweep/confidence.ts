/**
 * The mean of a few repeated measurements (one per seed) with its Student-t confidence interval:
 *     mean ± t_{0.975, n−1} · s / √n,     s² = Σ (x − mean)² / (n − 1).
 * With one measurement there is no spread to estimate: sd, stderr and the interval are null.
 */
import { studentTQuantile } from './studentT.ts';

export interface MeanEstimate {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); null for n < 2. */
  sd: number | null;
  /** Standard error of the mean, sd/√n; null for n < 2. */
  stderr: number | null;
  /** [lower, upper] of the two-sided 95% interval; null for n < 2. */
  ci95: [number, number] | null;
}

/** The mean of `values` and its two-sided 95% Student-t confidence interval. */
export function meanWithConfidence(values: readonly number[]): MeanEstimate {
  const n = values.length;
  if (n === 0) throw new RangeError('meanWithConfidence: no values');
  const mean = values.reduce((s, x) => s + x, 0) / n;
  if (n < 2) return { n, mean, sd: null, stderr: null, ci95: null };
  const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const stderr = sd / Math.sqrt(n);
  const half = studentTQuantile(0.975, n - 1) * stderr;
  return { n, mean, sd, stderr, ci95: [mean - half, mean + half] };
}
