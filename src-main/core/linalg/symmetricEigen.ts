/**
 * Dense symmetric eigenproblems: Householder tridiagonalisation followed by the implicit QL
 * algorithm (EISPACK tred2/tql2, after the public-domain JAMA port). O(n³): the "simplest correct
 * method" that the Lanczos solvers are tested and benchmarked against, and the solver for the small
 * tridiagonal matrices Lanczos produces.
 *
 * Storage: the matrix is column-major, a[c * n + r] (for a symmetric input this is the same as
 * row-major); eigenvectors come back as columns, vectors[j * n + r]. Column-major keeps every inner
 * loop contiguous.
 */

export interface EigenResult {
  /** Ascending. */
  values: Float64Array;
  /** Column j (vectors.subarray(j * n, (j + 1) * n)) is the unit eigenvector of values[j]; absent if not asked for. */
  vectors?: Float64Array;
}

/** All eigenvalues (and optionally eigenvectors) of a dense symmetric n × n matrix. The input is not modified. */
export function symmetricEigen(matrix: Float64Array, n: number, wantVectors = true): EigenResult {
  if (matrix.length !== n * n) throw new RangeError(`symmetricEigen: expected ${n}×${n} values`);
  const v = Float64Array.from(matrix);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(v, d, e, n, wantVectors);
  tql2(d, e, n, wantVectors ? v : null, wantVectors ? n : 0);
  return sortAscending(d, wantVectors ? v : null, n);
}

/**
 * Eigen-decomposition of the symmetric tridiagonal matrix with diagonal `diag` (length m) and
 * off-diagonal `off` (off[i] couples i and i + 1; length ≥ m − 1).
 *
 * `rows` selects which rows of the eigenvector matrix to compute: 'all' gives the full
 * eigenvectors (column-major, m × m); an index list gives only those rows (rows.length × m,
 * row r of the result = component rows[r] of every eigenvector) at O(m) cost per QL sweep — Lanczos
 * needs only the last row for its residual estimates.
 */
export function tridiagonalEigen(
  diag: ArrayLike<number>,
  off: ArrayLike<number>,
  m: number,
  rows: 'all' | readonly number[] = 'all',
): { values: Float64Array; vectors: Float64Array; rowCount: number } {
  const d = new Float64Array(m);
  const e = new Float64Array(m);
  for (let i = 0; i < m; i++) d[i] = diag[i];
  // tql2 expects the sub-diagonal in e[1..m−1].
  for (let i = 1; i < m; i++) e[i] = off[i - 1];
  const rowIdx = rows === 'all' ? null : rows;
  const r = rowIdx ? rowIdx.length : m;
  // z is column-major with r rows: z[c * r + row].
  const z = new Float64Array(r * m);
  if (rowIdx) rowIdx.forEach((row, k) => (z[row * r + k] = 1));
  else for (let i = 0; i < m; i++) z[i * m + i] = 1;
  tql2(d, e, m, z, r);
  const sorted = sortAscending(d, z, m, r);
  return { values: sorted.values, vectors: sorted.vectors!, rowCount: r };
}

/** Householder reduction of a symmetric matrix (column-major in v) to tridiagonal form. */
function tred2(v: Float64Array, d: Float64Array, e: Float64Array, n: number, accumulate: boolean): void {
  // V[r][c] ≡ v[c * n + r]
  for (let j = 0; j < n; j++) d[j] = v[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = v[j * n + i - 1];
        v[j * n + i] = 0;
        v[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        v[i * n + j] = f;
        const cj = j * n;
        g = e[j] + v[cj + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[cj + k] * d[k];
          e[k] += v[cj + k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        const cj = j * n;
        for (let k = j; k <= i - 1; k++) v[cj + k] -= f * e[k] + g * d[k];
        d[j] = v[cj + i - 1];
        v[cj + i] = 0;
      }
    }
    d[i] = h;
  }
  if (!accumulate) {
    // The diagonal of the tridiagonal matrix sits on v's diagonal.
    for (let j = 0; j < n; j++) d[j] = v[j * n + j];
    e[0] = 0;
    return;
  }
  for (let i = 0; i < n - 1; i++) {
    v[i * n + n - 1] = v[i * n + i];
    v[i * n + i] = 1;
    const h = d[i + 1];
    const ci1 = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[ci1 + k] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        const cj = j * n;
        for (let k = 0; k <= i; k++) g += v[ci1 + k] * v[cj + k];
        for (let k = 0; k <= i; k++) v[cj + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) v[ci1 + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[j * n + n - 1];
    v[j * n + n - 1] = 0;
  }
  v[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/**
 * Implicit QL on the tridiagonal (d, e[1..n−1]); z (column-major, r rows × n columns) is rotated
 * along when given.
 */
function tql2(d: Float64Array, e: Float64Array, n: number, z: Float64Array | null, r: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) throw new Error('tql2: no convergence');
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let rr = Math.hypot(p, 1);
        if (p < 0) rr = -rr;
        d[l] = e[l] / (p + rr);
        d[l + 1] = e[l] * (p + rr);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          rr = Math.hypot(p, e[i]);
          e[i + 1] = s * rr;
          s = e[i] / rr;
          c = p / rr;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (z) {
            const ci = i * r;
            const ci1 = (i + 1) * r;
            for (let k = 0; k < r; k++) {
              h = z[ci1 + k];
              z[ci1 + k] = s * z[ci + k] + c * h;
              z[ci + k] = c * z[ci + k] - s * h;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

function sortAscending(d: Float64Array, z: Float64Array | null, n: number, r = n): EigenResult {
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d[a] - d[b]);
  const values = Float64Array.from(order, (i) => d[i]);
  if (!z) return { values };
  const vectors = new Float64Array(r * n);
  order.forEach((src, dst) => vectors.set(z.subarray(src * r, (src + 1) * r), dst * r));
  return { values, vectors };
}
