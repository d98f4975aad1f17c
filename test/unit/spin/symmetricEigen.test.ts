import { describe, expect, it } from 'vitest';
import { symmetricEigen, tridiagonalEigen } from '../../../src-main/core/linalg/symmetricEigen.ts';
import { Random } from '../../../src-main/core/util/random.ts';

describe('dense symmetric eigen-decomposition (Householder + implicit QL)', () => {
  it('gives the analytic spectrum 2cos(kπ/(n+1)) of the path-graph adjacency matrix', () => {
    const n = 37;
    const t = tridiagonalEigen(new Float64Array(n), new Float64Array(n - 1).fill(1), n);
    const exact = Array.from({ length: n }, (_, k) => 2 * Math.cos(((k + 1) * Math.PI) / (n + 1))).sort(
      (a, b) => a - b,
    );
    t.values.forEach((v, i) => expect(v).toBeCloseTo(exact[i], 12));
  });

  it('returns orthonormal eigenvectors with A v = λ v for a random symmetric matrix', () => {
    const n = 60;
    const rng = new Random(3);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal();
    const { values, vectors } = symmetricEigen(a, n, true);
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i];
    expect(values.reduce((s, x) => s + x, 0)).toBeCloseTo(trace, 10);
    for (const k of [0, 17, n - 1]) {
      const v = vectors!.subarray(k * n, (k + 1) * n);
      let res = 0;
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i * n + j] * v[j];
        res = Math.max(res, Math.abs(av - values[k] * v[i]));
      }
      expect(res).toBeLessThan(1e-11);
      const other = vectors!.subarray(((k + 1) % n) * n, (((k + 1) % n) + 1) * n);
      expect(Math.abs(v.reduce((s, x, i) => s + x * other[i], 0))).toBeLessThan(1e-12);
    }
    // eigenvalues alone agree with the full decomposition
    const only = symmetricEigen(a, n, false).values;
    only.forEach((v, i) => expect(v).toBeCloseTo(values[i], 11));
  });
});
