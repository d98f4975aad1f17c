/**
 * Solutions of the TAP equations below (and above) T_c from many random starts (science.md §3, the
 * "TAP-solution protocol" paragraph; the protocol is ours, the paper's is not visible).
 *
 * Iteration (AMP / Bolthausen order). The layer chain is bipartite: even layers couple only to odd
 * ones through B (J = [[0, B], [Bᵀ, 0]]). One iteration ("sweep") updates the odd side from the
 * even side, then the even side from the freshly updated odd side:
 *     g_s = tanh( β B m_o − β² m_s^prev ∘ (B∘B)(1 − m_o²) ),     m_s ← (1 − α) m_s + α g_s,
 * the Onsager reaction term multiplying the side's PREVIOUS iterate m_s^prev. This is AMP's order
 * for a bipartite coupling (parallel AMP on J would run two interleaved copies of it, at twice the
 * cost, which need not agree). At a fixed point it is exactly the TAP equations.
 *
 * Damping α adapts: it starts at 1 (plain AMP), shrinks when the relative step grows or stalls,
 * and recovers while it falls. What damping does to the physics (measured on random layered nets,
 * N = 600–1300): in hidden order every policy finds the same ± pair; in the glass plain AMP either
 * converges to a marginal pair (Plefka's x ≈ 0.9–1, small nets only) or oscillates for ever, while
 * damped iteration converges to the paramagnet m = 0, a TAP solution that stays locally stable at
 * finite N but violates Plefka's condition (tapEquations.ts). Both are reported as such.
 * Rollback: when the relative step grows far above the best seen at this temperature, the best
 * state is restored and α cut (the fixed-point map is known to be unstable for SK-like couplings:
 * Aspelmeier & Moore 2019, Gufler et al. 2021). Steps are measured relative to ‖m‖∞ so that a
 * state near the paramagnet m = 0 (whose absolute residual is tiny but which may be unstable) is
 * never mistaken for the best state.
 *
 * Annealing: each start m ~ U(−a, a) is iterated from `anneal.from` (a temperature above T_c) down
 * to the targets in geometric stages; the solution at one target seeds the next lower one (α too
 * carries over). A paramagnetic solution carries no information, so after one the start's own
 * random m is reused and annealed again from `anneal.from`.
 *
 * Convergence (per start and target): the undamped step ‖g − m‖∞ < tol over a whole sweep, not
 * growing, and the plain TAP residual ‖m − tanh(β J m − β² m ∘ (J∘J)(1 − m²))‖∞ < tol. Starts that
 * do not converge within the step limit are returned as such, with their residual.
 *
 * Temperatures in and out are T (not β).
 */
import { Random } from '../util/random.ts';
import { CancelledError } from '../util/cancel.ts';
import type { BondMatrix } from './bondMatrix.ts';
import { TapCouplings, tapFreeEnergy, tapResidual } from './tapEquations.ts';

export interface DampingOptions {
  /**
   * α at the beginning of each start (default 1: plain AMP). Damping is a remedy, not a default:
   * below T_c it makes m = 0 attractive even where plain AMP finds a nontrivial solution.
   */
  initial: number;
  /** Floor of α (default 0.01). */
  min: number;
  /** Ceiling of α (default 1: plain AMP). */
  max: number;
  /** α ← α·shrink when the relative step grows by more than `tolerance` in a sweep (default 0.7). */
  shrink: number;
  /** α ← α·grow otherwise (default 1.1). */
  grow: number;
  /**
   * Growth of the relative step ‖Δm‖∞/‖m‖∞ tolerated without shrinking α (default 0.05): while m
   * escapes an unstable paramagnet both grow together and the ratio only jitters.
   */
  tolerance: number;
  /** Also shrink α after this many sweeps without a new best relative step (default 20). */
  stall: number;
}

export interface AnnealOptions {
  /** Temperature T the anneal starts from (above T_c; callers use e.g. 1.1·T_c). */
  from: number;
  /** T_{n+1} = ratio·T_n between stages (default 0.97). */
  ratio?: number;
  /** Sweeps per stage (default 20; a stage ends early on a converged non-paramagnetic state). */
  iterations?: number;
}

export interface TapSolverOptions {
  /** Number of random starts K (default 64). */
  starts?: number;
  /** Seed of the starts (default 0). */
  seed?: number;
  /** Starts m_i ~ U(−a, a) (default a = 0.5). */
  startAmplitude?: number;
  /** On ‖Δm‖∞ and on the plain TAP residual (default 1e-8). */
  tolerance?: number;
  /** Sweeps allowed at each target temperature (default 2000). */
  maxIterations?: number;
  /** Omit to start directly at the highest target. */
  anneal?: AnnealOptions;
  damping?: Partial<DampingOptions>;
  /** Roll back when the relative step exceeds this multiple of the best one (default 1e3). */
  rollbackFactor?: number;
  /** A state with ‖m‖∞ below this is the paramagnet (default 1e-5). */
  paramagnetTolerance?: number;
  onProgress?: (fraction: number, message: string) => void;
  signal?: AbortSignal;
}

export type TapStopReason = 'converged' | 'step-limit';

export interface TapStartResult {
  /** Index of the start (0..K−1); start k is reproducible from (seed, k). */
  start: number;
  converged: boolean;
  stop: TapStopReason;
  /** Sweeps at the target temperature. */
  iterations: number;
  /** Sweeps spent annealing down to this target (from the previous target or anneal.from). */
  annealIterations: number;
  /** Plain TAP residual ‖m − tanh(β J m − β² m ∘ (J∘J)(1 − m²))‖∞ at the returned m. */
  residual: number;
  /** βF(m), the TAP free energy times β (science.md §3), total over the N spins. */
  betaF: number;
  /** ‖m‖∞ < paramagnetTolerance. */
  paramagnet: boolean;
  /** Rollbacks at this target. */
  rollbacks: number;
  /** α at the end. */
  damping: number;
  /** The magnetisations (length N, spins numbered as in BondMatrix). */
  m: Float64Array;
}

export interface TapSolutionsAtTemperature {
  /** Temperature T. */
  T: number;
  beta: number;
  /** One per start, in start order. */
  starts: TapStartResult[];
}

export interface TapSolveResult {
  /** One per target temperature, in decreasing T. */
  temperatures: TapSolutionsAtTemperature[];
  /** Sweeps over all starts and stages (each costs two J·v and two (J∘J)·v half-products per side pair). */
  sweeps: number;
  seconds: number;
}

const DEFAULT_DAMPING: DampingOptions = {
  initial: 1,
  min: 0.01,
  max: 1,
  shrink: 0.7,
  grow: 1.1,
  tolerance: 0.05,
  stall: 20,
};

/** Solves the TAP equations at each temperature T in `temperatures` from K random starts. */
export function solveTap(
  couplings: BondMatrix | TapCouplings,
  temperatures: readonly number[],
  opts: TapSolverOptions = {},
): TapSolveResult {
  const c = couplings instanceof TapCouplings ? couplings : new TapCouplings(couplings);
  if (temperatures.length === 0) throw new RangeError('TAP solver: no temperature given');
  for (const T of temperatures) {
    if (!(T > 0) || !Number.isFinite(T)) throw new RangeError(`TAP solver: temperature ${T} is not positive`);
  }
  const K = opts.starts ?? 64;
  if (!Number.isInteger(K) || K < 1) throw new RangeError('TAP solver: starts must be a positive integer');
  const targets = [...new Set(temperatures)].sort((a, b) => b - a);
  const started = performance.now();
  const rng = new Random(opts.seed ?? 0);
  const amplitude = opts.startAmplitude ?? 0.5;
  const out: TapSolutionsAtTemperature[] = targets.map((T) => ({ T, beta: 1 / T, starts: [] }));
  const iterator = new TapIterator(c, opts);
  let sweeps = 0;

  for (let k = 0; k < K; k++) {
    if (opts.signal?.aborted) throw new CancelledError();
    // Draw every start in order, so start k does not depend on how the others went.
    const initial = Float64Array.from({ length: c.size }, () => amplitude * (2 * rng.uniform() - 1));
    iterator.reset(initial);
    let T = opts.anneal ? Math.max(opts.anneal.from, targets[0]) : targets[0];
    targets.forEach((target, t) => {
      const annealIterations = iterator.anneal(T, target, opts.anneal);
      const r = iterator.relax(target);
      sweeps += annealIterations + r.iterations;
      out[t].starts.push({ start: k, annealIterations, ...r });
      // The paramagnet carries no information: restart from the start's own m, annealed afresh.
      if (r.paramagnet) iterator.reset(initial);
      T = r.paramagnet && opts.anneal ? opts.anneal.from : target;
      opts.onProgress?.(
        (k + (t + 1) / targets.length) / K,
        `TAP start ${k + 1}/${K}, T = ${target.toPrecision(4)}`,
      );
    });
  }
  return { temperatures: out, sweeps, seconds: (performance.now() - started) / 1000 };
}

/** The state of one start: magnetisations of the two bipartite sides, and the adaptive damping. */
class TapIterator {
  private readonly tol: number;
  private readonly maxIterations: number;
  private readonly damping: DampingOptions;
  private readonly rollbackFactor: number;
  private readonly paramagnetTol: number;
  /** Compact vectors: side 0 = even layers, side 1 = odd layers. */
  private readonly m: [Float64Array, Float64Array];
  private readonly h: [Float64Array, Float64Array];
  private readonly w: [Float64Array, Float64Array];
  private readonly u: [Float64Array, Float64Array];
  private alpha = 0;
  private rollbacks = 0;

  constructor(
    private readonly c: TapCouplings,
    opts: TapSolverOptions,
  ) {
    this.tol = opts.tolerance ?? 1e-8;
    this.maxIterations = opts.maxIterations ?? 2000;
    this.damping = { ...DEFAULT_DAMPING, ...opts.damping };
    this.rollbackFactor = opts.rollbackFactor ?? 1e3;
    this.paramagnetTol = opts.paramagnetTolerance ?? 1e-5;
    const n0 = c.bond.sideSize(0);
    const n1 = c.bond.sideSize(1);
    const pair = (): [Float64Array, Float64Array] => [new Float64Array(n0), new Float64Array(n1)];
    this.m = pair();
    this.h = pair();
    this.w = pair();
    this.u = pair();
  }

  reset(full: Float64Array): void {
    this.split(full);
    this.alpha = this.damping.initial;
  }

  /** Geometric stages from T down to (not including) target; returns the sweeps spent. */
  anneal(from: number, target: number, opts: AnnealOptions | undefined): number {
    if (!opts || from <= target) return 0;
    const ratio = opts.ratio ?? 0.97;
    const perStage = opts.iterations ?? 20;
    if (!(ratio > 0 && ratio < 1)) throw new RangeError('TAP solver: anneal ratio must lie in (0, 1)');
    let sweeps = 0;
    for (let T = from; T > target * (1 + 1e-12); T *= ratio) {
      const beta = 1 / T;
      let prev = Infinity;
      for (let s = 0; s < perStage; s++) {
        const step = this.sweep(beta);
        sweeps++;
        if (step < this.tol && step <= prev && !this.isParamagnet()) break;
        prev = step;
      }
    }
    return sweeps;
  }

  /** Iterates at the target until converged or the step limit. */
  relax(T: number): Omit<TapStartResult, 'start' | 'annealIterations'> {
    const beta = 1 / T;
    this.rollbacks = 0;
    let best = { relStep: Infinity, m0: Float64Array.from(this.m[0]), m1: Float64Array.from(this.m[1]) };
    let prev = Infinity;
    let prevRel = Infinity;
    let iterations = 0;
    let sinceBest = 0;
    let converged = false;
    let residual = Infinity;
    while (iterations < this.maxIterations) {
      const step = this.sweep(beta);
      iterations++;
      if (step < this.tol && step <= prev) {
        residual = tapResidual(this.c, this.full(), beta);
        if (residual < this.tol) {
          converged = true;
          break;
        }
      }
      const rel = step / Math.max(this.maxAbs(), this.paramagnetTol);
      if (!Number.isFinite(rel) || rel > this.rollbackFactor * best.relStep) {
        // Rollback: back to the best state, with much stronger damping.
        this.m[0].set(best.m0);
        this.m[1].set(best.m1);
        this.alpha = Math.max(this.damping.min, this.alpha * this.damping.shrink ** 3);
        this.rollbacks++;
        prev = prevRel = Infinity;
        continue;
      }
      if (rel < best.relStep) {
        best = { relStep: rel, m0: Float64Array.from(this.m[0]), m1: Float64Array.from(this.m[1]) };
        sinceBest = 0;
      } else sinceBest++;
      // Shrink α on growth, and on a stall (a sustained oscillation does not grow but never ends).
      const stalled = sinceBest >= this.damping.stall;
      if (stalled) sinceBest = 0;
      if (stalled || rel > prevRel * (1 + this.damping.tolerance)) {
        this.alpha = Math.max(this.damping.min, this.alpha * this.damping.shrink);
      } else this.alpha = Math.min(this.damping.max, this.alpha * this.damping.grow);
      prev = step;
      prevRel = rel;
    }
    const m = this.full();
    if (!converged) residual = tapResidual(this.c, m, beta);
    return {
      converged,
      stop: converged ? 'converged' : 'step-limit',
      iterations,
      residual,
      betaF: tapFreeEnergy(this.c, m, beta),
      paramagnet: this.isParamagnet(),
      rollbacks: this.rollbacks,
      damping: this.alpha,
      m,
    };
  }

  /**
   * One AMP sweep at β: the odd side from the even side, then the even side from the new odd side.
   * Returns the largest undamped step |g_i − m_i| over both halves.
   */
  private sweep(beta: number): number {
    let step = 0;
    for (const side of [1, 0] as const) {
      const other = side === 0 ? 1 : 0;
      const mo = this.m[other];
      const u = this.u[other];
      for (let i = 0; i < mo.length; i++) u[i] = 1 - mo[i] * mo[i];
      this.c.bond.applyHalf(other, mo, this.h[side]);
      this.c.squared.applyHalf(other, u, this.w[side]);
      const ms = this.m[side];
      const hs = this.h[side];
      const ws = this.w[side];
      const b2 = beta * beta;
      const a = this.alpha;
      for (let i = 0; i < ms.length; i++) {
        // ms[i] is still the previous iterate here: the Onsager term's argument in AMP order.
        const d = Math.tanh(beta * hs[i] - b2 * ms[i] * ws[i]) - ms[i];
        const ad = Math.abs(d);
        if (ad > step) step = ad;
        ms[i] += a * d;
      }
    }
    return step;
  }

  private maxAbs(): number {
    let x = 0;
    for (const v of this.m) for (let i = 0; i < v.length; i++) x = Math.max(x, Math.abs(v[i]));
    return x;
  }

  private isParamagnet(): boolean {
    return this.maxAbs() < this.paramagnetTol;
  }

  /** The full-length m (spins numbered as in BondMatrix) from the two sides. */
  private full(): Float64Array {
    const bond = this.c.bond;
    const out = new Float64Array(bond.size);
    const at = [0, 0];
    bond.widths.forEach((width, k) => {
      const side = k % 2;
      out.set(this.m[side].subarray(at[side], at[side] + width), bond.offsets[k]);
      at[side] += width;
    });
    return out;
  }

  private split(full: Float64Array): void {
    const bond = this.c.bond;
    const at = [0, 0];
    bond.widths.forEach((width, k) => {
      const side = k % 2;
      this.m[side].set(full.subarray(bond.offsets[k], bond.offsets[k] + width), at[side]);
      at[side] += width;
    });
  }
}
