/**
 * The Gram matrix BᵀB of one bipartite side of the bond matrix, formed densely in float64.
 *
 * The layer chain is bipartite (science.md §1): with the spins of even layers on side 0 and of odd
 * layers on side 1, J = [[0, B], [Bᵀ, 0]]. The Gram matrix of side s couples layers of parity s two
 * apart through the layer between them, so it is block-tridiagonal over those layers:
 *   diagonal block of layer k:      W^(k)ᵀ W^(k)  +  W^(k+1) W^(k+1)ᵀ   (each term if the layer exists)
 *   block between layers k, k + 2:  W^(k+1) W^(k+2)                      ([N_k, N_{k+2}])
 * with W^(k) the [N_{k−1}, N_k] weight between layers k − 1 and k (bond.blocks[k − 1]).
 * Its eigenvalues are the squared singular values σ² of B; ±σ are the eigenvalues of J.
 */
import type { BondMatrix } from '../spin/bondMatrix.ts';
import { rowProducts, toFloat64, transposeToFloat64 } from './gram.ts';

/** The side with fewer spins (side 0 on a tie): its Gram matrix is the smaller eigenproblem. */
export function smallerSide(bond: BondMatrix): 0 | 1 {
  return bond.sideSize(0) <= bond.sideSize(1) ? 0 : 1;
}

/**
 * BᵀB on `side` as a dense row-major n × n matrix (n = bond.sideSize(side)); the side's spins are
 * ordered as in BondMatrix.applyGram (its layers concatenated in order).
 */
export function bipartiteGram(bond: BondMatrix, side: 0 | 1): Float64Array {
  const { widths, blocks } = bond;
  const L = blocks.length;
  const start = new Map<number, number>();
  let n = 0;
  widths.forEach((w, k) => {
    if (k % 2 !== side) return;
    start.set(k, n);
    n += w;
  });
  const g = new Float64Array(n * n);
  // Adds the [N_k1, N_k2] block c at (k1, k2), and its transpose at (k2, k1) when off the diagonal.
  const add = (k1: number, k2: number, c: Float64Array): void => {
    const r0 = start.get(k1)!;
    const c0 = start.get(k2)!;
    const rows = widths[k1];
    const cols = widths[k2];
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = c[i * cols + j];
        g[(r0 + i) * n + c0 + j] += v;
        if (k1 !== k2) g[(c0 + j) * n + r0 + i] += v;
      }
    }
  };
  for (const k of start.keys()) {
    if (k >= 1) {
      // W^(k)ᵀ W^(k): rows of W^(k)ᵀ have length N_{k−1}
      const b = blocks[k - 1];
      const t = transposeToFloat64(b.weight, b.rows, b.cols);
      add(k, k, rowProducts(t, b.cols, t, b.cols, b.rows, true));
    }
    if (k <= L - 1) {
      // W^(k+1) W^(k+1)ᵀ: rows of W^(k+1) have length N_{k+1}
      const b = blocks[k];
      const d = toFloat64(b.weight);
      add(k, k, rowProducts(d, b.rows, d, b.rows, b.cols, true));
      if (k + 2 <= L) {
        // W^(k+1) W^(k+2) = W^(k+1) (W^(k+2)ᵀ)ᵀ
        const b2 = blocks[k + 1];
        const t2 = transposeToFloat64(b2.weight, b2.rows, b2.cols);
        add(k, k + 2, rowProducts(d, b.rows, t2, b2.cols, b.cols));
      }
    }
  }
  return g;
}
