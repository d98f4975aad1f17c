/**
 * Dense, deliberately simple references for the spin core: the N × N bond matrix and λ_min of the
 * TAP Hessian from a full eigen-decomposition, and the reference T_c rule on a uniform β grid
 * (the algorithm of shared/fixtures/onnx/README.md).
 */
import { symmetricEigen } from '../../src-main/core/linalg/symmetricEigen.ts';
import { BondMatrix } from '../../src-main/core/spin/bondMatrix.ts';

export function denseHessian(bond: BondMatrix, beta: number): Float64Array {
  const n = bond.size;
  const j = bond.toDense();
  const h = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) h[r * n + c] = -beta * j[r * n + c];
    h[r * n + r] += 1 + beta * beta * bond.squaredRowNorms[r];
  }
  return h;
}

export function denseLambdaMin(bond: BondMatrix, beta: number): number {
  return symmetricEigen(denseHessian(bond, beta), bond.size, false).values[0];
}

/** The reference rule on β_j = j β_max / grid with bisection / golden refinement. */
export function denseCriticalTemperature(
  bond: BondMatrix,
  betaMax: number,
  grid = 400,
): { tc: number; phase: 'glass' | 'ordered'; minLambda: number } {
  const f = (b: number): number => denseLambdaMin(bond, b);
  const betas = Array.from({ length: grid }, (_, j) => ((j + 1) * betaMax) / grid);
  const vals = betas.map(f);
  const first = vals.findIndex((v) => v < 0);
  let minIdx = 0;
  vals.forEach((v, i) => (v < vals[minIdx] ? (minIdx = i) : 0));
  const golden = (lo: number, hi: number): number => {
    const g = (Math.sqrt(5) - 1) / 2;
    let a = lo;
    let b = hi;
    for (let it = 0; it < 60; it++) {
      const c = b - g * (b - a);
      const d = a + g * (b - a);
      if (f(c) < f(d)) b = d;
      else a = c;
    }
    return (a + b) / 2;
  };
  const argmin = golden(betas[Math.max(0, minIdx - 1)], betas[Math.min(grid - 1, minIdx + 1)]);
  const minLambda = f(argmin);
  if (first < 0) return { tc: 1 / argmin, phase: 'glass', minLambda };
  let lo = first === 0 ? 1e-9 : betas[first - 1];
  let hi = betas[first];
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > 0) lo = mid;
    else hi = mid;
  }
  return { tc: 2 / (lo + hi), phase: 'ordered', minLambda };
}
