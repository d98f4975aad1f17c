/**
 * The top of the bond-matrix spectrum, from the bipartite structure (science.md §1): the layer
 * chain splits into even and odd layers, J = [[0, B], [Bᵀ, 0]], and the eigenvalues of J are ±σ_i
 * (the singular values of B) plus |N_even − N_odd| zeros. Lanczos runs on the Gram operator BᵀB
 * of the smaller side: half the dimension, and the squared spectrum separates the top better.
 */
import { lanczos } from '../linalg/lanczos.ts';
import type { BondMatrix } from './bondMatrix.ts';

export interface TopSpectrum {
  /** The largest eigenvalues of J, descending. */
  values: number[];
  /** Unit eigenvectors of J (full length N) for the positive ones, in the same order. */
  vectors: Float64Array[];
  matvecs: number;
}

export function topEigenvalues(bond: BondMatrix, count = 10, tol = 1e-6): TopSpectrum {
  const side: 0 | 1 = bond.sideSize(0) <= bond.sideSize(1) ? 0 : 1;
  const n = bond.sideSize(side);
  const other = bond.size - n;
  const before = bond.matvecs;
  const wanted = Math.min(count, n);
  const res = lanczos((x, y) => bond.applyGram(side, x, y), n, {
    which: 'largest',
    count: wanted,
    // relative to σ_max²: the Gram operator's scale
    tol,
    maxBasis: Math.min(n, 300),
    checkEvery: 5,
    seed: 7,
  });
  const sigmas = res.values.map((t) => Math.sqrt(Math.max(t, 0)));
  // J-eigenvector of +σ: [v; B v / σ] / √2 (v on `side`, B v on the other).
  const vectors = sigmas.map((sigma, i) => {
    const v = res.vectors[i];
    const u = new Float64Array(other);
    bond.applyHalf(side, v, u);
    const full = bond.expandSide(side, v);
    const scale = sigma > 0 ? 1 / sigma : 0;
    const otherFull = bond.expandSide(side === 0 ? 1 : 0, u);
    for (let k = 0; k < full.length; k++) full[k] = (full[k] + scale * otherFull[k]) / Math.SQRT2;
    return full;
  });
  // The rest of J's spectrum, if more values are asked for than the smaller side holds.
  const zeros = Math.max(0, other - n);
  const values = [...sigmas, ...Array<number>(zeros).fill(0), ...[...sigmas].reverse().map((s) => -s)].slice(
    0,
    count,
  );
  return { values, vectors, matvecs: bond.matvecs - before };
}
