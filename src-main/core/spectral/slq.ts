/**
 * Stochastic Lanczos quadrature (Golub & Meurant; Lin, Saad & Yang, SIAM Rev. 58, 34 (2016)): the
 * spectral density of a symmetric operator A given only by y = A x, when a dense eigensolve is too big.
 *
 * For a random probe z with E[z zᵀ] = I, (1/n) tr f(A) = E[zᵀ f(A) z]/n, and m Lanczos steps from
 * z/‖z‖ give the m-point Gauss quadrature of that quadratic form: nodes θ_j (the Ritz values) and
 * weights τ_j² (the squared first components of the tridiagonal matrix's eigenvectors). Averaging
 * over probes gives a discrete measure whose moments up to degree 2m − 1 are unbiased estimates of
 * the spectrum's; its CDF converges at rate ~1/m in the bulk and 1/√(probes · n) statistically.
 * Rademacher probes (±1) have ‖z‖² = n exactly, which removes one source of variance.
 *
 * The basis is reorthogonalised fully (two classical Gram–Schmidt passes, in the WebAssembly
 * kernels) so no ghost copies of converged Ritz values steal weight.
 */
import { kernelInstance, Layout, type KernelExports } from '../kernels/instance.ts';
import type { LinearOperator } from '../linalg/lanczos.ts';
import { tridiagonalEigen } from '../linalg/symmetricEigen.ts';
import { Random } from '../util/random.ts';
import { throwIfCancelled } from '../util/cancel.ts';

export interface SlqOptions {
  /** Random probe vectors (default 20). */
  probes?: number;
  /** Lanczos steps per probe, the number of quadrature nodes (default 80). */
  steps?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

export interface QuadratureMeasure {
  /** Quadrature nodes (Ritz values) of every probe, concatenated. */
  nodes: Float64Array;
  /** Their weights; they sum to 1 (the measure estimates the normalised eigenvalue counting measure). */
  weights: Float64Array;
  probes: number;
  steps: number;
  matvecs: number;
}

export function stochasticLanczosQuadrature(
  apply: LinearOperator,
  n: number,
  opts: SlqOptions = {},
): QuadratureMeasure {
  const probes = opts.probes ?? 20;
  const steps = Math.min(opts.steps ?? 80, n);
  if (!(probes >= 1) || !(steps >= 1))
    throw new RangeError('stochastic Lanczos quadrature: probes and steps must be ≥ 1');
  const rng = new Random(opts.seed ?? 2024);
  const ws = new Basis(n, steps);
  const nodes: number[] = [];
  const weights: number[] = [];
  let matvecs = 0;
  for (let p = 0; p < probes; p++) {
    throwIfCancelled(opts.signal);
    const q0 = ws.row(0);
    const inv = 1 / Math.sqrt(n);
    for (let i = 0; i < n; i++) q0[i] = rng.uniform() < 0.5 ? -inv : inv;
    const alpha: number[] = [];
    const beta: number[] = [];
    let scale = 0;
    for (let j = 0; j < steps; j++) {
      apply(ws.row(j), ws.w);
      matvecs++;
      let a = 0;
      const q = ws.row(j);
      for (let i = 0; i < n; i++) a += q[i] * ws.w[i];
      alpha.push(a);
      ws.orthogonalize(j + 1);
      ws.orthogonalize(j + 1);
      let b = 0;
      for (let i = 0; i < n; i++) b += ws.w[i] * ws.w[i];
      b = Math.sqrt(b);
      scale = Math.max(scale, Math.abs(a), b);
      // An invariant subspace: the quadrature is exact with j + 1 nodes.
      if (j === steps - 1 || b <= 1e-12 * scale) break;
      beta.push(b);
      const next = ws.row(j + 1);
      for (let i = 0; i < n; i++) next[i] = ws.w[i] / b;
    }
    const m = alpha.length;
    const { values, vectors } = tridiagonalEigen(alpha, beta, m, [0]);
    for (let k = 0; k < m; k++) {
      nodes.push(values[k]);
      weights.push((vectors[k] * vectors[k]) / probes);
    }
    opts.onProgress?.((p + 1) / probes);
  }
  return { nodes: Float64Array.from(nodes), weights: Float64Array.from(weights), probes, steps, matvecs };
}

/** The Lanczos basis (steps rows of n) and the work vector in WebAssembly kernel memory. */
class Basis {
  readonly w: Float64Array;
  private readonly rows: Float64Array[];
  private readonly kernel: KernelExports;
  private readonly basisPtr: number;
  private readonly wPtr: number;
  private readonly cPtr: number;

  constructor(
    private readonly n: number,
    steps: number,
  ) {
    const layout = new Layout();
    this.basisPtr = layout.alloc(8 * n * steps);
    this.wPtr = layout.alloc(8 * n);
    this.cPtr = layout.alloc(8 * steps);
    this.kernel = kernelInstance(layout.size);
    const buf = this.kernel.memory.buffer;
    this.w = new Float64Array(buf, this.wPtr, n);
    this.rows = Array.from({ length: steps }, (_, i) => new Float64Array(buf, this.basisPtr + 8 * n * i, n));
  }

  row(i: number): Float64Array {
    return this.rows[i];
  }

  /** w −= V_mᵀ (V_m w) over the first m basis vectors. */
  orthogonalize(m: number): void {
    this.kernel.dots(this.basisPtr, m, this.n, this.wPtr, this.cPtr);
    this.kernel.subtract(this.basisPtr, m, this.n, this.cPtr, this.wPtr);
  }
}
