/**
 * The top of the bond-matrix spectrum. The layer chain is bipartite, so the spectrum of J is
 * symmetric about 0 (its eigenvalues are ± the singular values of the even→odd block); the largest
 * eigenvalues are found by Lanczos on J itself, one J·v per step, never a dense N × N matrix.
 */
import { lanczos } from '../linalg/lanczos.ts';
import type { BondMatrix } from './bondMatrix.ts';

export interface TopSpectrum {
  /** The largest eigenvalues of J, descending. */
  values: number[];
  /** Their unit eigenvectors. */
  vectors: Float64Array[];
  residuals: number[];
  matvecs: number;
}

export function topEigenvalues(bond: BondMatrix, count = 10, tol = 1e-5): TopSpectrum {
  const res = lanczos((x, y) => bond.apply(x, y), bond.size, {
    which: 'largest',
    count,
    tol,
    maxBasis: Math.min(bond.size, 400),
    checkEvery: 5,
    seed: 7,
  });
  return { values: res.values, vectors: res.vectors, residuals: res.residuals, matvecs: res.matvecs };
}
