/**
 * The temperature ladder of parallel tempering, ascending in T (slot 0 is the coldest).
 *
 * Geometric by default: T_t = T_min (T_max/T_min)^{t/(n−1)}, which gives roughly equal swap
 * acceptance when the specific heat is flat (the energy spread ∝ √C·T, Δβ ∝ ΔT/T²).
 * Adaptive: a feedback rule that moves the inner temperatures toward equal acceptance between
 * neighbours. For roughly Gaussian energy distributions the swap acceptance of a pair behaves as
 * −ln A ∝ (Δβ·σ_E)², so d_t = √(−ln A_t)/Δβ_t estimates the "difficulty" σ_E per unit β of the
 * interval; equal acceptance means Δβ_t ∝ 1/d_t. The ends T_min, T_max stay fixed, and each step
 * moves only half-way (geometric mean of old and new spacing) so noisy acceptances do not make it
 * oscillate. It runs during thermalization only: measurements use a fixed ladder, so they sample
 * the Boltzmann distributions exactly.
 */

export function geometricLadder(tMin: number, tMax: number, count: number): number[] {
  if (!(tMin > 0) || !(tMax >= tMin))
    throw new RangeError(`ladder: need 0 < T_min ≤ T_max, got ${tMin}, ${tMax}`);
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`ladder: need at least one temperature, got ${count}`);
  if (count === 1) return [tMin];
  return Array.from({ length: count }, (_, t) =>
    t === count - 1 ? tMax : tMin * (tMax / tMin) ** (t / (count - 1)),
  );
}

/**
 * One feedback step of the adaptive ladder: `temperatures` ascending, `acceptance[t]` the swap
 * acceptance between slots t and t + 1 measured with them. Returns the new ascending ladder with
 * the same ends.
 */
export function adaptLadder(temperatures: readonly number[], acceptance: readonly number[]): number[] {
  const n = temperatures.length;
  if (n < 3) return [...temperatures];
  const beta = temperatures.map((t) => 1 / t);
  const gaps = acceptance.map((_, t) => beta[t] - beta[t + 1]);
  // Acceptances are clamped: an interval that never swaps still gets a finite (large) difficulty,
  // and one that always swaps a small one, so every interval keeps a nonzero width.
  const difficulty = acceptance.map(
    (a, t) => Math.sqrt(-Math.log(Math.min(0.99, Math.max(a, 1e-3)))) / gaps[t],
  );
  const ideal = difficulty.map((d) => 1 / d);
  const total = beta[0] - beta[n - 1];
  const idealSum = ideal.reduce((a, b) => a + b, 0);
  const damped = gaps.map((g, t) => Math.sqrt(g * ((ideal[t] * total) / idealSum)));
  const dampedSum = damped.reduce((a, b) => a + b, 0);
  const out = [temperatures[0]];
  let b = beta[0];
  for (let t = 0; t < n - 2; t++) {
    b -= (damped[t] * total) / dampedSum;
    out.push(1 / b);
  }
  out.push(temperatures[n - 1]);
  return out;
}
