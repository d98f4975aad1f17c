/**
 * The TAP critical temperature of one network (science.md §3).
 *
 * Rule: scan T downward (β = 1/T upward from 0) over (0, β_max]. If λ_min(H(β)) goes below −ε the
 * phase is "ordered" (hidden order) and T_c = 1/β at the FIRST zero crossing; otherwise "glass" and
 * T_c = 1/argmin_β λ_min (the tangential touch). minLambda is the minimum of λ_min over the scan.
 *
 * How without a 400-point grid of eigensolves: every λ_min(β) = min_v [1 + β² vᵀav − β vᵀJv] is
 * a minimum of parabolas whose curvature is at most 2·max(a), so g(β) = λ_min(β) − max(a)·β² is a
 * minimum of concave functions, hence concave. A concave function lies above its chords, which
 * gives a rigorous lower bound for λ_min between two evaluated points:
 *     λ_min(β) ≥ chord_g(β) + max(a)·β².
 * The scan evaluates a coarse grid and splits only the intervals whose lower bound could hide a
 * crossing or a lower minimum (branch and bound). The crossing is then located by a safeguarded
 * Newton iteration (dλ/dβ from Hellmann–Feynman) and the minimum by a safeguarded secant on dλ/dβ.
 */
import type { BondMatrix } from './bondMatrix.ts';
import { TapHessian, type HessianPoint } from './tapHessian.ts';
import { CancelledError } from '../util/cancel.ts';

export type Phase = 'glass' | 'ordered';

export interface TapScanOptions {
  /** Upper end of the β scan (inverse temperature). */
  betaMax: number;
  /** Ordered if min λ_min < −epsilon (default 0). */
  epsilon?: number;
  /** Relative tolerance on T_c (default 1e-8; the bisection rule asks for 1e-6). */
  relTol?: number;
  /** Points of the initial uniform grid (default 4; the bound, not the grid, guarantees the result). */
  initialPoints?: number;
  /** Basins whose lower bound is within this of the best λ are explored (default 1e-3). */
  minLambdaTol?: number;
  onProgress?: (fraction: number, message: string) => void;
  signal?: AbortSignal;
}

export interface TapCriticalResult {
  phase: Phase;
  /** Critical temperature T_c. */
  tc: number;
  /** 1/T_c. */
  betaC: number;
  /** min over the scan of λ_min(H(β)). */
  minLambda: number;
  /** Where the minimum is (inverse temperature). */
  argminBeta: number;
  /** The eigenvector of λ_min at β_c: the critical mode. */
  criticalMode: Float64Array;
  /** Every evaluated point, by increasing β (the λ_min(β) curve). */
  curve: { beta: number; lambda: number; slope: number }[];
  evaluations: number;
  matvecs: number;
  warnings: string[];
}

export { CancelledError };

interface Interval {
  left: HessianPoint;
  right: HessianPoint;
}

export function tapCriticalTemperature(bond: BondMatrix, opts: TapScanOptions): TapCriticalResult {
  const hessian = new TapHessian(bond);
  const A = hessian.maxA;
  const epsilon = opts.epsilon ?? 0;
  const relTol = opts.relTol ?? 1e-8;
  const grid = Math.max(2, opts.initialPoints ?? 4);
  const minTol = opts.minLambdaTol ?? 1e-3;
  const betaMax = opts.betaMax;
  const hMin = 1e-4 * betaMax;
  const warnings: string[] = [];
  const points: HessianPoint[] = [];
  let matvecs = 0;

  const progress = (fraction: number, message: string): void => {
    if (opts.signal?.aborted) throw new CancelledError();
    opts.onProgress?.(Math.min(fraction, 0.99), message);
  };

  // Residual tolerances: coarse where a point only has to bound λ_min, tight where it locates T_c
  // (the eigenvalue error is ~r²/gap, far below r).
  const evaluate = (beta: number, tol = 1e-3): HessianPoint => {
    // Warm start from the eigenvector at the nearest evaluated β.
    let start: Float64Array | undefined;
    let best = Infinity;
    for (const p of points) {
      if (p.vector.length > 0 && Math.abs(p.beta - beta) < best) {
        best = Math.abs(p.beta - beta);
        start = p.vector;
      }
    }
    const p = hessian.lowest(beta, { start, tol });
    matvecs += p.matvecs;
    insertSorted(points, p);
    return p;
  };

  // 1. Coarse grid.
  evaluate(0);
  for (let j = 1; j <= grid; j++) {
    evaluate((j * betaMax) / grid, 1e-2);
    progress((0.4 * j) / grid, `λ_min on the coarse grid (${j}/${grid})`);
  }

  // 2. Branch and bound on the concave-chord lower bound.
  const lowerBound = (iv: Interval): { value: number; at: number } => {
    const { left: l, right: r } = iv;
    const gl = l.lambda - A * l.beta * l.beta;
    const gr = r.lambda - A * r.beta * r.beta;
    const s = (gr - gl) / (r.beta - l.beta);
    // minimise gl + s(β − βl) + Aβ² on [βl, βr]
    const at = A > 0 ? Math.min(r.beta, Math.max(l.beta, -s / (2 * A))) : s > 0 ? l.beta : r.beta;
    const value = gl + s * (at - l.beta) + A * at * at - l.error - r.error;
    return { value, at };
  };

  for (let round = 0; round < 60; round++) {
    const best = Math.min(...points.map((p) => p.lambda));
    const firstNonPositive = points.findIndex((p) => p.lambda <= 0);
    const toSplit: number[] = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const iv = { left: points[i], right: points[i + 1] };
      const width = iv.right.beta - iv.left.beta;
      if (width <= hMin) continue;
      const lb = lowerBound(iv);
      // T_c is the first zero crossing, so zero (not −ε) is what must not be missed before it.
      const mayHideCrossing = (firstNonPositive < 0 || i + 1 < firstNonPositive) && lb.value < 0;
      const mayHideMinimum = lb.value < best - minTol;
      if (mayHideCrossing || mayHideMinimum) {
        const h = width / 4;
        toSplit.push(Math.min(iv.right.beta - h, Math.max(iv.left.beta + h, lb.at)));
      }
    }
    if (toSplit.length === 0) break;
    for (const beta of toSplit) evaluate(beta);
    progress(0.4 + 0.3 * Math.min(1, round / 8), `refining the λ_min(β) scan (${points.length} points)`);
  }

  // 3. The minimum: refine every basin whose grid value is within minTol of the best.
  let minPoint = refineMinimum(points, evaluate, relTol, minTol);
  progress(0.85, 'located the minimum of λ_min');

  // 4. Phase (ordered if λ_min goes below −ε) and T_c (the first zero crossing, or the argmin).
  const firstNonPositive = points.findIndex((p) => p.lambda <= 0);
  let phase: Phase;
  let critical: HessianPoint;
  if (minPoint.lambda < -epsilon && firstNonPositive > 0) {
    phase = 'ordered';
    critical = refineCrossing(points[firstNonPositive - 1], points[firstNonPositive], evaluate, relTol);
  } else {
    phase = 'glass';
    critical = minPoint;
    if (minPoint.beta >= betaMax * (1 - 1e-9)) {
      warnings.push(
        `λ_min is still decreasing at the end of the scan (T = ${(1 / betaMax).toPrecision(4)}); T_c is a bound, widen the scan`,
      );
    }
  }
  minPoint = points.reduce((m, p) => (p.lambda < m.lambda ? p : m), minPoint);
  progress(1, 'done');
  return {
    phase,
    tc: 1 / critical.beta,
    betaC: critical.beta,
    minLambda: minPoint.lambda,
    argminBeta: minPoint.beta,
    criticalMode: critical.vector,
    curve: points.map((p) => ({ beta: p.beta, lambda: p.lambda, slope: p.slope })),
    evaluations: points.length,
    matvecs,
    warnings,
  };
}

/** Safeguarded Newton for λ_min(β) = 0 inside [left, right] with λ(left) > 0 ≥ λ(right). */
function refineCrossing(
  left: HessianPoint,
  right: HessianPoint,
  evaluate: (beta: number, tol?: number) => HessianPoint,
  relTol: number,
): HessianPoint {
  let lo = left;
  let hi = right;
  let best = Math.abs(lo.lambda) < Math.abs(hi.lambda) ? lo : hi;
  for (let it = 0; it < 100 && hi.beta - lo.beta > relTol * hi.beta; it++) {
    // Newton from the endpoint closer to zero, kept inside the bracket; else regula falsi, else bisection.
    let next = best.beta - best.lambda / best.slope;
    const inside = (b: number): boolean => b > lo.beta && b < hi.beta && Number.isFinite(b);
    if (!inside(next)) next = lo.beta + (lo.lambda * (hi.beta - lo.beta)) / (lo.lambda - hi.lambda);
    if (!inside(next)) next = 0.5 * (lo.beta + hi.beta);
    const w = hi.beta - lo.beta;
    next = Math.min(hi.beta - 1e-3 * w, Math.max(lo.beta + 1e-3 * w, next));
    const p = evaluate(next, 1e-7);
    if (p.lambda > 0) lo = p;
    else hi = p;
    best = p;
    if (Math.abs(p.lambda) <= Math.max(p.error, 1e-13) && Math.abs(p.lambda / p.slope) < relTol * p.beta)
      break;
  }
  // Interpolate the last bracket linearly for the reported β_c.
  const beta =
    lo.lambda === hi.lambda ? lo.beta : lo.beta + (lo.lambda * (hi.beta - lo.beta)) / (lo.lambda - hi.lambda);
  const closest = Math.abs(lo.lambda) < Math.abs(hi.lambda) ? lo : hi;
  return { ...closest, beta };
}

/**
 * The global minimum of λ_min over the evaluated curve, refined: for each basin (grid point lower
 * than its neighbours) within minTol of the best, a safeguarded secant on dλ/dβ = 0.
 */
function refineMinimum(
  points: HessianPoint[],
  evaluate: (beta: number, tol?: number) => HessianPoint,
  relTol: number,
  minTol: number,
): HessianPoint {
  const best = Math.min(...points.map((p) => p.lambda));
  const basins: [HessianPoint, HessianPoint, HessianPoint][] = [];
  for (let i = 1; i < points.length; i++) {
    const p = points[i];
    const isLocalMin =
      p.lambda <= points[i - 1].lambda && (i + 1 === points.length || p.lambda <= points[i + 1].lambda);
    if (isLocalMin && p.lambda <= best + minTol) {
      basins.push([points[i - 1], p, points[Math.min(i + 1, points.length - 1)]]);
    }
  }
  let result = points.reduce((m, p) => (p.lambda < m.lambda ? p : m));
  for (const [a, mid, c] of basins.slice(0, 3)) {
    if (c === mid) continue; // minimum at the end of the scan: nothing to refine
    // Bracket of the slope's sign change: slope < 0 on the left, > 0 on the right.
    let lo = mid.slope < 0 ? mid : a;
    let hi = mid.slope < 0 ? c : mid;
    if (!(lo.slope < 0 && hi.slope > 0)) {
      if (mid.lambda < result.lambda) result = mid;
      continue;
    }
    let localBest = mid;
    // dλ/dβ = 0 to 1e-5 relative: λ is flat there, the value is exact to O(1e-10).
    for (let it = 0; it < 60 && hi.beta - lo.beta > 1e-5 * hi.beta; it++) {
      let next = lo.beta - (lo.slope * (hi.beta - lo.beta)) / (hi.slope - lo.slope);
      const w = hi.beta - lo.beta;
      if (!(next > lo.beta && next < hi.beta)) next = 0.5 * (lo.beta + hi.beta);
      next = Math.min(hi.beta - 0.05 * w, Math.max(lo.beta + 0.05 * w, next));
      const p = evaluate(next, 1e-5);
      if (p.lambda < localBest.lambda) localBest = p;
      if (p.slope < 0) lo = p;
      else hi = p;
      // Newton's estimate of the remaining distance to the minimum, |λ'|/λ''.
      const curvature = (hi.slope - lo.slope) / (hi.beta - lo.beta);
      if (curvature > 0 && Math.abs(p.slope) / curvature < 1e-6 * p.beta) {
        localBest = p.lambda <= localBest.lambda ? p : localBest;
        break;
      }
    }
    if (localBest.lambda < result.lambda) result = localBest;
  }
  return result;
}

function insertSorted(points: HessianPoint[], p: HessianPoint): void {
  let i = points.length;
  while (i > 0 && points[i - 1].beta > p.beta) i--;
  if (i > 0 && points[i - 1].beta === p.beta) points[i - 1] = p;
  else points.splice(i, 0, p);
}
