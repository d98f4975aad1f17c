/**
 * Stability of the paramagnet m = 0 in TAP theory (science.md §3): the Hessian of βF at m = 0 is
 *     H(β) = I + β² diag(a) − β J,     a_i = Σ_l J_il².
 * Its least eigenvalue λ_min(β) is what the critical-temperature rule reads. Every function here
 * takes β = 1/T (inverse temperature).
 */
import { lanczos } from '../linalg/lanczos.ts';
import type { BondMatrix } from './bondMatrix.ts';

export interface HessianPoint {
  /** Inverse temperature. */
  beta: number;
  /** λ_min(H(β)) (a Ritz value: an upper bound, within `error` of the true value). */
  lambda: number;
  /** dλ_min/dβ = vᵀ(2β diag(a) − J)v by Hellmann–Feynman. */
  slope: number;
  /**
   * Estimated |Ritz value − λ_min|: min(r, r²/gap) with r the Lanczos residual and gap the
   * distance to the next Ritz value (the standard a-posteriori estimate; r alone is a rigorous
   * but very loose bound, as the error of a Ritz value is quadratic in r).
   */
  error: number;
  /** The unit eigenvector (the critical mode at the transition). */
  vector: Float64Array;
  matvecs: number;
}

export class TapHessian {
  readonly size: number;
  /** max_i a_i: bounds the curvature of λ_min(β) (see criticalTemperature.ts). */
  readonly maxA: number;

  constructor(readonly bond: BondMatrix) {
    this.size = bond.size;
    this.maxA = bond.squaredRowNorms.reduce((m, x) => Math.max(m, x), 0);
  }

  /** y = H(β) x. */
  apply(beta: number, x: Float64Array, y: Float64Array): void {
    const a = this.bond.squaredRowNorms;
    this.bond.apply(x, y);
    const b2 = beta * beta;
    for (let i = 0; i < x.length; i++) y[i] = x[i] + b2 * a[i] * x[i] - beta * y[i];
  }

  /**
   * λ_min(H(β)) by Lanczos; `start` (e.g. the eigenvector at a nearby β) makes it a warm start.
   * `tol` is the residual tolerance ‖H y − θ y‖.
   */
  lowest(beta: number, opts: { start?: Float64Array; tol?: number; seed?: number } = {}): HessianPoint {
    if (beta === 0) {
      // H(0) = I: λ_min = 1 exactly; the slope is −λ_max(J) (not needed by the scan).
      return { beta, lambda: 1, slope: Number.NaN, error: 0, vector: new Float64Array(0), matvecs: 0 };
    }
    const res = lanczos((x, y) => this.apply(beta, x, y), this.size, {
      which: 'smallest',
      tol: opts.tol ?? 1e-7,
      start: opts.start && opts.start.length === this.size ? opts.start : undefined,
      seed: opts.seed,
      maxBasis: 120,
      checkEvery: 3,
    });
    const v = res.vectors[0];
    return {
      beta,
      lambda: res.values[0],
      slope: this.slope(beta, v, res.values[0]),
      error: Math.min(res.residuals[0], res.residuals[0] ** 2 / res.gap),
      vector: v,
      matvecs: res.matvecs,
    };
  }

  /**
   * vᵀ(2β diag(a) − J)v for the unit Ritz vector v of Ritz value θ. Since vᵀH(β)v = θ, i.e.
   * vᵀJv = (1 + β² vᵀav − θ)/β, this needs no extra product with J.
   */
  slope(beta: number, v: Float64Array, theta: number): number {
    const a = this.bond.squaredRowNorms;
    let vav = 0;
    for (let i = 0; i < v.length; i++) vav += a[i] * v[i] * v[i];
    return beta * vav - (1 - theta) / beta;
  }
}
