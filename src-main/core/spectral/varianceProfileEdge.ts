/**
 * The bulk edge of a layered random matrix with a given variance profile: the "intrinsic" edge of
 * the bond spectrum, i.e. where the spectrum of J would end if its couplings were independent with
 * the same per-layer variances (no structure, no heavy tails).
 *
 * For a symmetric matrix with independent centred entries and a block variance profile, the diagonal
 * of the resolvent is, at large N, constant on each layer, m_k(z), and solves the quadratic vector
 * equation (Ajanki, Erdős & Krüger, "Quadratic vector equations on complex upper half-plane", 2019):
 *     −1 / m_k = z + Σ_l S_kl m_l,      S_kl = N_l · Var(J_ij), i ∈ layer k, j ∈ layer l.
 * For the layer chain only S_{k,k±1} ≠ 0, with Var = v_k = mean of W^(k)² between layers k−1 and k.
 * One layer pair of sizes N, M gives the Marchenko–Pastur edge √v (√N + √M) for the singular values
 * of W; one square block gives the semicircle edge 2√(N v).
 *
 * Above the edge, z = x real, the solution is real and negative, and the map m ↦ −1/(x + S m) is
 * order-preserving there (S ≥ 0). Iterating it from m = 0 therefore decreases monotonically to the
 * physical solution when one exists; inside the support no real solution exists and the iterates
 * drive some x + (S m)_k through 0. That sign change is the test, and bisection on x finds the edge.
 */

export interface VarianceProfileEdgeOptions {
  /** Relative precision of the edge (default 1e-9). */
  tol?: number;
  /** Iterations of the fixed-point map per test point (default 200 000; near the edge they slow as 1/√δ). */
  maxIterations?: number;
}

/**
 * The upper edge of the limiting spectrum of a layered random matrix: widths N_0..N_L and the
 * variances v_1..v_L of the couplings between layers k − 1 and k.
 */
export function varianceProfileEdge(
  widths: readonly number[],
  variances: readonly number[],
  opts: VarianceProfileEdgeOptions = {},
): number {
  const L = variances.length;
  if (widths.length !== L + 1) throw new RangeError('varianceProfileEdge: need one variance per layer pair');
  if (variances.some((v) => !(v >= 0))) throw new RangeError('varianceProfileEdge: variances must be ≥ 0');
  const tol = opts.tol ?? 1e-9;
  const maxIterations = opts.maxIterations ?? 200_000;
  // below[k] = S_{k,k−1}, above[k] = S_{k,k+1}
  const below = widths.map((_, k) => (k >= 1 ? widths[k - 1] * variances[k - 1] : 0));
  const above = widths.map((_, k) => (k < L ? widths[k + 1] * variances[k] : 0));
  const maxRow = Math.max(...widths.map((_, k) => below[k] + above[k]));
  if (maxRow === 0) return 0;

  const m = new Float64Array(L + 1);
  const next = new Float64Array(L + 1);
  const outside = (x: number): boolean => {
    m.fill(0);
    for (let it = 0; it < maxIterations; it++) {
      let moved = false;
      for (let k = 0; k <= L; k++) {
        const t = x + (k >= 1 ? below[k] * m[k - 1] : 0) + (k < L ? above[k] * m[k + 1] : 0);
        if (!(t > 0)) return false;
        next[k] = -1 / t;
        if (next[k] !== m[k]) moved = true;
      }
      m.set(next);
      if (!moved) return true; // a fixed point in floating point: the real solution exists
    }
    return true; // not yet through 0: within the resolution of maxIterations of the edge
  };

  // The support lies within [−2√‖S‖∞, 2√‖S‖∞]; walk down from just above that bound to the first
  // point inside (the top band is a continuum, so 1% steps find it), then bisect.
  let hi = 2.05 * Math.sqrt(maxRow);
  while (!outside(hi)) hi *= 2;
  let lo = hi;
  while (outside(lo)) {
    hi = lo;
    lo *= 0.99;
    if (lo < 1e-12 * hi) return 0;
  }
  while (hi - lo > tol * hi) {
    const mid = (lo + hi) / 2;
    if (outside(mid)) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}
