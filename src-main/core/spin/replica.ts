/**
 * The replica (layered Sherrington–Kirkpatrick) prediction of the spin-glass temperature
 * (science.md §2). For i.i.d. weights W^(k)_ij ~ N(0, C_k/N_{k−1}),
 *     T_c² = λ_max of the (L+1)×(L+1) tridiagonal matrix with zero diagonal and off-diagonal
 *            c_k = C_k · sqrt(N_k / N_{k−1}),  k = 1..L,
 * which for equal widths and C_k = C reduces to the paper's T_c = sqrt(2C cos(π/(L+2))).
 */
import { tridiagonalEigen } from '../linalg/symmetricEigen.ts';
import type { BondMatrix } from './bondMatrix.ts';

/** C_k = N_{k−1} · mean(W^(k)²) for each weight block: the variance × fan-in the weights show. */
export function couplingStrengths(bond: BondMatrix): number[] {
  return bond.blocks.map((b) => {
    let s = 0;
    for (let i = 0; i < b.weight.length; i++) s += b.weight[i] * b.weight[i];
    return (b.rows * s) / b.weight.length;
  });
}

/** Replica T_c for widths N_0..N_L and strengths C_1..C_L (a temperature, not β). */
export function replicaCriticalTemperature(widths: readonly number[], strengths: readonly number[]): number {
  const L = strengths.length;
  if (widths.length !== L + 1) throw new RangeError('replica T_c: need L+1 widths for L strengths');
  const diag = new Float64Array(L + 1);
  const off = strengths.map((c, k) => c * Math.sqrt(widths[k + 1] / widths[k]));
  const { values } = tridiagonalEigen(diag, off, L + 1, []);
  return Math.sqrt(values[L]);
}

/** The paper's closed form for L identical layers of equal width: sqrt(2C cos(π/(L+2))). */
export function equalLayerCriticalTemperature(c: number, weightMatrices: number): number {
  return Math.sqrt(2 * c * Math.cos(Math.PI / (weightMatrices + 2)));
}
