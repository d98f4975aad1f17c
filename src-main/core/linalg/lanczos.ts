/**
 * Lanczos for a few extreme eigenpairs of a symmetric operator given only by y = A x.
 *
 * Full reorthogonalisation (two passes of classical Gram–Schmidt) keeps the basis orthonormal to
 * machine precision, so Ritz values are reliable upper (smallest end) / lower (largest end) bounds
 * and no spurious copies appear. Convergence is judged by the residual ‖A y − θ y‖ = β_m |s_m|,
 * read off the tridiagonal matrix without touching the basis. When the basis is full the solver
 * restarts from the wanted Ritz vectors' sum (explicit restart).
 */
import { tridiagonalEigen } from './symmetricEigen.ts';
import { Random } from '../util/random.ts';
import { kernelInstance, Layout, type KernelExports } from '../kernels/instance.ts';

export type LinearOperator = (x: Float64Array, y: Float64Array) => void;

export interface LanczosOptions {
  /** Which end of the spectrum. */
  which: 'smallest' | 'largest';
  /** How many eigenpairs (default 1). */
  count?: number;
  /** Converged when every wanted residual ‖A y − θ y‖ ≤ tol (absolute). */
  tol: number;
  /** Largest basis before an explicit restart (default min(n, 160)). */
  maxBasis?: number;
  /** Total operator applications allowed (default 40·maxBasis). */
  maxMatvecs?: number;
  /** Start vector (warm start); random if absent. Need not be normalised. */
  start?: Float64Array;
  seed?: number;
  /** Check convergence every this many steps (default 1). */
  checkEvery?: number;
}

export interface LanczosResult {
  /** Ritz values of the wanted end, most extreme first. */
  values: number[];
  /** Unit Ritz vectors, in the same order. */
  vectors: Float64Array[];
  /** Residual norms ‖A y − θ y‖. */
  residuals: number[];
  /**
   * Distance from the last wanted Ritz value to the next one inward (θ₂ − θ₁ for the smallest):
   * with it, r²/gap estimates the eigenvalue error far better than the residual r itself.
   */
  gap: number;
  matvecs: number;
  converged: boolean;
}

export function lanczos(apply: LinearOperator, n: number, opts: LanczosOptions): LanczosResult {
  const count = Math.min(opts.count ?? 1, n);
  const maxBasis = Math.max(Math.min(opts.maxBasis ?? 160, n), Math.min(count + 2, n));
  const maxMatvecs = opts.maxMatvecs ?? 40 * maxBasis;
  const checkEvery = opts.checkEvery ?? 1;
  const smallest = opts.which === 'smallest';
  const rng = new Random(opts.seed ?? 12345);
  const ws = Workspace.get(n, maxBasis);

  let start = opts.start ? Float64Array.from(opts.start) : randomVector(n, rng);
  if (!(norm(start) > 0)) start = randomVector(n, rng);
  let matvecs = 0;
  const w = ws.w;

  for (;;) {
    const alpha: number[] = [];
    const beta: number[] = [];
    const q0 = ws.row(0);
    q0.set(start);
    scale(q0, 1 / norm(q0));
    let result: LanczosResult | null = null;

    for (let j = 0; j < maxBasis; j++) {
      const q = ws.row(j);
      apply(q, w);
      matvecs++;
      const a = dot(q, w);
      alpha.push(a);
      // Two passes of classical Gram–Schmidt against the whole basis ("twice is enough").
      ws.orthogonalize(j + 1);
      ws.orthogonalize(j + 1);
      const b = norm(w);
      beta.push(b);
      const m = j + 1;
      const invariant = b <= 1e-14 * Math.max(1, Math.abs(a));
      const full = m === maxBasis || matvecs >= maxMatvecs || m === n;
      if (invariant || full || (m >= count && m % checkEvery === 0)) {
        const ritz = wantedRitz(alpha, beta, m, count, smallest, invariant ? 0 : b);
        const done = invariant || m === n || ritz.residuals.every((r) => r <= opts.tol);
        if (done || full) {
          result = assemble(alpha, beta, ws, m, count, smallest, ritz.residuals, matvecs, done);
          if (done || matvecs >= maxMatvecs) return result;
          break;
        }
      }
      const next = ws.row(j + 1);
      for (let i = 0; i < n; i++) next[i] = w[i] / b;
    }
    // Explicit restart from the sum of the wanted Ritz vectors.
    start = new Float64Array(n);
    for (const v of result!.vectors) axpy(1, v, start);
  }
}

/** The Lanczos basis (maxBasis rows of n) and the work vector, in WebAssembly kernel memory. */
class Workspace {
  readonly w: Float64Array;
  private readonly kernel: KernelExports;
  private readonly basisPtr: number;
  private readonly wPtr: number;
  private readonly cPtr: number;
  private readonly rows: Float64Array[];

  private static cached: Workspace | null = null;

  /** The last workspace is reused when it fits: scans call Lanczos dozens of times on one size. */
  static get(n: number, maxBasis: number): Workspace {
    const c = Workspace.cached;
    if (c && c.n === n && c.maxBasis >= maxBasis) return c;
    Workspace.cached = new Workspace(n, maxBasis);
    return Workspace.cached;
  }

  private constructor(
    readonly n: number,
    readonly maxBasis: number,
  ) {
    const layout = new Layout();
    this.basisPtr = layout.alloc(8 * n * maxBasis);
    this.wPtr = layout.alloc(8 * n);
    this.cPtr = layout.alloc(8 * maxBasis);
    this.kernel = kernelInstance(layout.size);
    const buf = this.kernel.memory.buffer;
    this.w = new Float64Array(buf, this.wPtr, n);
    this.rows = Array.from(
      { length: maxBasis },
      (_, i) => new Float64Array(buf, this.basisPtr + 8 * n * i, n),
    );
  }

  row(i: number): Float64Array {
    return this.rows[i];
  }

  /** w −= V_mᵀ (V_m w) over the first m basis vectors. */
  orthogonalize(m: number): void {
    this.kernel.dots(this.basisPtr, m, this.n, this.wPtr, this.cPtr);
    this.kernel.subtract(this.basisPtr, m, this.n, this.cPtr, this.wPtr);
  }

  /** y = Σ_i coef[i] V_i (i < m). */
  combine(coef: ArrayLike<number>, m: number): Float64Array {
    const c = new Float64Array(this.kernel.memory.buffer, this.cPtr, m);
    for (let i = 0; i < m; i++) c[i] = -coef[i];
    this.w.fill(0);
    this.kernel.subtract(this.basisPtr, m, this.n, this.cPtr, this.wPtr);
    return Float64Array.from(this.w);
  }
}

function wantedRitz(
  alpha: number[],
  beta: number[],
  m: number,
  count: number,
  smallest: boolean,
  lastBeta: number,
): { indices: number[]; values: number[]; residuals: number[] } {
  const { values, vectors } = tridiagonalEigen(alpha, beta, m, [m - 1]);
  const indices = wantedIndices(m, Math.min(count, m), smallest);
  return {
    indices,
    values: indices.map((i) => values[i]),
    // Row m−1 of the eigenvector matrix: vectors[i * 1 + 0] is the last component of eigenvector i.
    residuals: indices.map((i) => Math.abs(lastBeta * vectors[i])),
  };
}

function wantedIndices(m: number, count: number, smallest: boolean): number[] {
  return Array.from({ length: count }, (_, k) => (smallest ? k : m - 1 - k));
}

function assemble(
  alpha: number[],
  beta: number[],
  ws: Workspace,
  m: number,
  count: number,
  smallest: boolean,
  residuals: number[],
  matvecs: number,
  converged: boolean,
): LanczosResult {
  const { values, vectors } = tridiagonalEigen(alpha, beta, m, 'all');
  const indices = wantedIndices(m, Math.min(count, m), smallest);
  const ritzVectors = indices.map((idx) => {
    const y = ws.combine(vectors.subarray(idx * m, (idx + 1) * m), m);
    scale(y, 1 / norm(y));
    return y;
  });
  const last = indices[indices.length - 1];
  const inner = smallest ? last + 1 : last - 1;
  const gap = inner >= 0 && inner < m ? Math.abs(values[inner] - values[last]) : Infinity;
  return { values: indices.map((i) => values[i]), vectors: ritzVectors, residuals, gap, matvecs, converged };
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

/** y += c x */
export function axpy(c: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += c * x[i];
}

export function scale(x: Float64Array, c: number): void {
  for (let i = 0; i < x.length; i++) x[i] *= c;
}

export function randomVector(n: number, rng: Random): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal();
  return v;
}
