/**
 * The TAP-solution report of one network (`spinscope tap`): T_c and the Hessian phase
 * (criticalTemperature.ts), then at each chosen temperature the solutions from K random starts
 * (tapSolver.ts), their clusters and order parameters (tapClusters.ts), and the phase they point to.
 *
 * A converged solution is physical only if it satisfies Plefka's condition x ≤ 1
 * (tapEquations.ts); unphysical ones are reported (never hidden) but are not evidence of a phase.
 * What the physical converged solutions say at a temperature T:
 *   - `orderedPair`: the largest non-paramagnetic cluster (one ± pair) holds at least `dominance`
 *     of all K starts;
 *   - `scattered`: there are non-paramagnetic physical solutions, but no pair holds that share;
 *   - `paramagnet`: the only one is m = 0;
 *   - `none`: no physical solution converged (non-convergence, or only the paramagnet with x > 1).
 * The phase (science.md §3, §5.5): T ≥ T_c (Hessian) is the paramagnet. Below T_c: hiddenOrder when
 * the Hessian says ordered and the solutions an ordered pair; glass when the Hessian says glass and
 * no pair dominates; otherwise "undetermined" — the two criteria disagree — never a silent pick.
 *
 * What the solver finds in a random (glassy) network, measured on layered nets of N = 600–1300:
 * no converged set of many physical clusters. Damped iteration ends at m = 0 with x > 1; plain AMP
 * oscillates, or on small nets converges to one marginal pair (x ≈ 0.9–1) over a window of T
 * (then the cell is "undetermined"). This is the known behaviour of TAP iteration for SK-like
 * couplings (Aspelmeier & Moore 2019: iteration reaches only marginal states at the RS/RSB border).
 * A glass therefore shows up as "no dominant pair", not as a count of many clusters. The count of
 * many states comes from Monte Carlo instead: withValleys (below) attaches the valleys sampled by
 * core/montecarlo/valleys.ts and decides the phase from the Hessian and the valleys.
 */
import type { ValleyReport } from '../montecarlo/valleys.ts';
import { layerWidths, type Network } from '../network/network.ts';
import { BondMatrix } from './bondMatrix.ts';
import { tapCriticalTemperature, type Phase, type TapCriticalResult } from './criticalTemperature.ts';
import { couplingStrengths, replicaCriticalTemperature } from './replica.ts';
import { topEigenvalues } from './spectrum.ts';
import { clusterSolutions, layerOrder, modeOverlap, type SolutionCluster } from './tapClusters.ts';
import { plefkaParameter, TapCouplings } from './tapEquations.ts';
import {
  solveTap,
  type DampingOptions,
  type TapSolutionsAtTemperature,
  type TapStartResult,
} from './tapSolver.ts';

export const TAP_SCHEMA = 'spinscope.tap/1';

/** The phase at one temperature. */
export type TapPhase = 'paramagnet' | 'glass' | 'hiddenOrder' | 'undetermined';
/** What the converged solutions alone say. */
export type SolutionEvidence = 'orderedPair' | 'scattered' | 'paramagnet' | 'none';

/** Which temperatures: absolute T, or fractions of the network's T_c. */
export type TemperatureChoice = { temperatures: readonly number[] } | { fractionsOfTc: readonly number[] };

export interface TapAnalysisOptions {
  /** Random starts per temperature (default 64). */
  starts?: number;
  seed?: number;
  /** m_i ~ U(−a, a) (default 0.5). */
  startAmplitude?: number;
  /** |q_ab| threshold of a cluster (default 0.99). */
  threshold?: number;
  /** Convergence tolerance on ‖Δm‖∞ and on the TAP residual (default 1e-8). */
  tolerance?: number;
  /** Sweeps at each target temperature (default 2000). */
  maxIterations?: number;
  /** The anneal starts at annealFrom × T_c (default 1.1; 0 = no anneal, start at each target). */
  annealFrom?: number;
  annealRatio?: number;
  annealIterations?: number;
  damping?: Partial<DampingOptions>;
  /** Share of all starts the largest physical ± pair needs for `orderedPair` (default 0.5). */
  dominance?: number;
  paramagnetTolerance?: number;
  /** Lowest temperature of the Hessian scan (default replica T_c / 4, as `analyze`). */
  tMin?: number;
  /** Hessian rule: ordered if min λ_min < −epsilon (default 0). */
  epsilon?: number;
  onProgress?: (fraction: number, message: string) => void;
  signal?: AbortSignal;
}

/** The settings a report was made with (JSON): the options with their defaults filled in. */
export interface TapSettings {
  starts: number;
  seed: number;
  startAmplitude: number;
  threshold: number;
  tolerance: number;
  maxIterations: number;
  /** The anneal starts at annealFrom × T_c (0: no anneal). */
  annealFrom: number;
  dominance: number;
}

export function resolveTapSettings(opts: TapAnalysisOptions): TapSettings {
  const settings: TapSettings = {
    starts: opts.starts ?? 64,
    seed: opts.seed ?? 0,
    startAmplitude: opts.startAmplitude ?? 0.5,
    threshold: opts.threshold ?? 0.99,
    tolerance: opts.tolerance ?? 1e-8,
    maxIterations: opts.maxIterations ?? 2000,
    annealFrom: opts.annealFrom ?? 1.1,
    dominance: opts.dominance ?? 0.5,
  };
  if (settings.annealFrom !== 0 && !(settings.annealFrom > 1)) {
    throw new RangeError(
      `TAP: annealFrom must be 0 (no anneal) or a multiple of T_c above 1, not ${settings.annealFrom}`,
    );
  }
  if (!(settings.dominance > 0 && settings.dominance <= 1)) {
    throw new RangeError(`TAP: dominance must lie in (0, 1], not ${settings.dominance}`);
  }
  return settings;
}

/** One cluster of converged solutions (JSON). */
export interface TapClusterSummary {
  /** Number of starts in it. */
  size: number;
  /** How many are ≈ +m_rep and ≈ −m_rep. */
  plus: number;
  minus: number;
  paramagnet: boolean;
  /** The start whose solution represents the cluster (its lowest βF member). */
  representative: number;
  /** βF/N of the representative (the TAP free energy per spin, times β). */
  betaFPerSpin: number;
  /** F/N = T · βF/N. */
  freeEnergyPerSpin: number;
  /** q = mean_i m_i² over all spins. */
  q: number;
  /** q_k = mean_{i∈k} m_i², one per layer k = 0..L. */
  layerQ: number[];
  /** |v·m|/‖m‖ with v the top eigenvector of J (null for the paramagnet). */
  overlapTop: number | null;
  /** |c·m|/‖m‖ with c the critical mode of H(β_c) (null for the paramagnet). */
  overlapCritical: number | null;
  /** Plefka's x = λ_max(β² D(J∘J)D), D = diag(1 − m²) (tapEquations.ts). */
  plefka: number;
  /** x ≤ 1: a physical state (the rest are reported, not counted as evidence). */
  physical: boolean;
  /** Largest TAP residual among the members. */
  residual: number;
  /** Smallest |q| between the representative and a member. */
  minOverlap: number;
}

/** Everything at one temperature (JSON). */
export interface TapTemperatureSummary {
  /** Temperature T. */
  T: number;
  /** T / T_c. */
  relativeT: number;
  phase: TapPhase;
  /** 'paramagnet' at and above T_c, else the Hessian phase ('glass' | 'ordered'). */
  hessian: 'paramagnet' | Phase;
  solutions: SolutionEvidence;
  starts: number;
  converged: number;
  /** Clusters of the converged solutions, largest first. */
  clusters: TapClusterSummary[];
  /** Largest physical non-paramagnetic cluster / all starts (0 if there is none). */
  dominantShare: number;
  /** Starts that did not converge: how many, how far off, and how many distinct end states. */
  unconverged: {
    count: number;
    distinct: number;
    residual: { min: number; median: number; max: number } | null;
  };
  /** Sweeps at the target (median and max over starts) and while annealing to it (median). */
  iterations: { median: number; max: number; annealMedian: number };
  rollbacks: number;
  /**
   * Free-energy valleys sampled by Monte Carlo at this T (core/montecarlo/valleys.ts), when asked
   * for; with them the phase is decided by the Hessian and the valleys (withValleys).
   */
  valleys?: ValleyReport;
}

/** The report of `spinscope tap` (JSON). */
export interface TapReport {
  schema: typeof TAP_SCHEMA;
  model: { layers: number[]; spins: number };
  /** TAP critical temperature from the Hessian scan, its phase, and min λ_min. */
  tc: number;
  hessianPhase: Phase;
  minLambda: number;
  /** Replica (layered SK) T_c, for reference. */
  replicaTc: number;
  /** Largest eigenvalue of J. */
  topEigenvalue: number;
  settings: TapSettings;
  /** By decreasing T. */
  temperatures: TapTemperatureSummary[];
  sweeps: number;
  seconds: number;
  warnings: string[];
}

/** The rich result: the report plus the solutions themselves (vectors; not JSON). */
export interface TapAnalysis {
  report: TapReport;
  solutions: TapSolutionsAtTemperature[];
  /** Clusters per temperature (indices into that temperature's starts), same order as the report. */
  clusters: SolutionCluster[][];
  critical: TapCriticalResult;
  topVector: Float64Array;
}

export function analyzeTapSolutions(
  source: Network | BondMatrix,
  choice: TemperatureChoice,
  opts: TapAnalysisOptions = {},
): TapAnalysis {
  const started = performance.now();
  const bond = source instanceof BondMatrix ? source : BondMatrix.fromNetwork(source);
  const widths = source instanceof BondMatrix ? [...bond.widths] : layerWidths(source);
  const report = (f: number, msg: string): void => opts.onProgress?.(f, msg);
  const warnings: string[] = [];

  const replicaTc = replicaCriticalTemperature(widths, couplingStrengths(bond));
  report(0, 'TAP Hessian scan for T_c');
  const critical = tapCriticalTemperature(bond, {
    betaMax: 1 / (opts.tMin ?? replicaTc / 4),
    epsilon: opts.epsilon,
    signal: opts.signal,
    onProgress: (f, msg) => report(0.1 * f, msg),
  });
  warnings.push(...critical.warnings);
  const tc = critical.tc;
  const top = topEigenvalues(bond, 1);

  const temperatures =
    'temperatures' in choice ? [...choice.temperatures] : choice.fractionsOfTc.map((f) => f * tc);
  if (temperatures.length === 0) throw new RangeError('TAP analysis: no temperature given');
  const settings = resolveTapSettings(opts);
  const annealFrom = settings.annealFrom > 0 ? settings.annealFrom * tc : null;
  const couplings = new TapCouplings(bond);
  const solved = solveTap(couplings, temperatures, {
    starts: settings.starts,
    seed: settings.seed,
    startAmplitude: settings.startAmplitude,
    tolerance: settings.tolerance,
    maxIterations: settings.maxIterations,
    anneal:
      annealFrom === null
        ? undefined
        : { from: annealFrom, ratio: opts.annealRatio, iterations: opts.annealIterations },
    damping: opts.damping,
    paramagnetTolerance: opts.paramagnetTolerance,
    signal: opts.signal,
    onProgress: (f, msg) => report(0.1 + 0.85 * f, msg),
  });

  report(0.95, 'clustering the solutions');
  const clusters: SolutionCluster[][] = [];
  const summaries = solved.temperatures.map((at) => {
    const { summary, clusters: c } = summarize(at, {
      bond,
      couplings,
      tc,
      hessianPhase: critical.phase,
      topVector: top.vectors[0],
      criticalMode: critical.criticalMode,
      settings,
      paramagnetTolerance: opts.paramagnetTolerance,
    });
    clusters.push(c);
    return summary;
  });
  report(1, 'done');
  return {
    report: {
      schema: TAP_SCHEMA,
      model: { layers: widths, spins: bond.size },
      tc,
      hessianPhase: critical.phase,
      minLambda: critical.minLambda,
      replicaTc,
      topEigenvalue: top.values[0],
      settings,
      temperatures: summaries,
      sweeps: solved.sweeps,
      seconds: (performance.now() - started) / 1000,
      warnings,
    },
    solutions: solved.temperatures,
    clusters,
    critical,
    topVector: top.vectors[0],
  };
}

interface SummaryContext {
  bond: BondMatrix;
  couplings: TapCouplings;
  tc: number;
  hessianPhase: Phase;
  topVector: Float64Array;
  criticalMode: Float64Array;
  settings: TapSettings;
  paramagnetTolerance?: number;
}

function summarize(
  at: TapSolutionsAtTemperature,
  ctx: SummaryContext,
): { summary: TapTemperatureSummary; clusters: SolutionCluster[] } {
  const { starts } = at;
  const converged = starts.filter((s) => s.converged);
  const failed = starts.filter((s) => !s.converged);
  const clusterOpts = { threshold: ctx.settings.threshold, paramagnetTolerance: ctx.paramagnetTolerance };
  const byEnergy = (list: TapStartResult[]): number[] =>
    list
      .map((s, i) => ({ i, f: s.betaF }))
      .sort((a, b) => a.f - b.f)
      .map((x) => x.i);
  const found = clusterSolutions(
    converged.map((s) => s.m),
    { ...clusterOpts, order: byEnergy(converged) },
  );
  const clusters = found.map((c) => summarizeCluster(c, converged, at.beta, ctx));
  // Indices into the temperature's starts, for callers of the rich result.
  const asStarts = found.map((c) => ({ ...c, members: c.members.map((i) => converged[i].start) }));

  const physical = clusters.filter((c) => c.physical);
  const nontrivial = physical.filter((c) => !c.paramagnet);
  const dominantShare = nontrivial.length > 0 ? nontrivial[0].size / starts.length : 0;
  const solutions: SolutionEvidence =
    nontrivial.length > 0
      ? dominantShare >= ctx.settings.dominance
        ? 'orderedPair'
        : 'scattered'
      : physical.length > 0
        ? 'paramagnet'
        : 'none';
  const hessian = at.T >= ctx.tc ? 'paramagnet' : ctx.hessianPhase;
  const phase: TapPhase =
    hessian === 'paramagnet'
      ? 'paramagnet'
      : hessian === 'ordered'
        ? solutions === 'orderedPair'
          ? 'hiddenOrder'
          : 'undetermined'
        : solutions === 'orderedPair'
          ? 'undetermined'
          : 'glass';

  const residuals = failed.map((s) => s.residual).sort((a, b) => a - b);
  const distinct = clusterSolutions(
    failed.map((s) => s.m),
    clusterOpts,
  ).length;
  const iters = starts.map((s) => s.iterations).sort((a, b) => a - b);
  const anneal = starts.map((s) => s.annealIterations).sort((a, b) => a - b);
  return {
    summary: {
      T: at.T,
      relativeT: at.T / ctx.tc,
      phase,
      hessian,
      solutions,
      starts: starts.length,
      converged: converged.length,
      clusters,
      dominantShare,
      unconverged: {
        count: failed.length,
        distinct,
        residual:
          residuals.length > 0
            ? { min: residuals[0], median: median(residuals), max: residuals[residuals.length - 1] }
            : null,
      },
      iterations: { median: median(iters), max: iters[iters.length - 1], annealMedian: median(anneal) },
      rollbacks: starts.reduce((s, r) => s + r.rollbacks, 0),
    },
    clusters: asStarts,
  };
}

function summarizeCluster(
  c: SolutionCluster,
  solutions: TapStartResult[],
  beta: number,
  ctx: SummaryContext,
): TapClusterSummary {
  const rep = solutions[c.members[0]];
  const m = rep.m;
  let q = 0;
  for (let i = 0; i < m.length; i++) q += m[i] * m[i];
  const n = m.length;
  const plefka = plefkaParameter(ctx.couplings, m, beta);
  return {
    size: c.members.length,
    plus: c.signs.filter((s) => s > 0).length,
    minus: c.signs.filter((s) => s < 0).length,
    paramagnet: c.paramagnet,
    representative: rep.start,
    betaFPerSpin: rep.betaF / n,
    freeEnergyPerSpin: rep.betaF / n / beta,
    q: q / n,
    layerQ: layerOrder(ctx.bond, m),
    overlapTop: c.paramagnet ? null : modeOverlap(ctx.topVector, m),
    overlapCritical: c.paramagnet || ctx.criticalMode.length !== n ? null : modeOverlap(ctx.criticalMode, m),
    plefka,
    physical: plefka <= 1,
    residual: Math.max(...c.members.map((i) => solutions[i].residual)),
    minOverlap: c.minOverlap,
  };
}

function median(sorted: number[]): number {
  if (sorted.length === 0) return 0;
  const k = sorted.length >> 1;
  return sorted.length % 2 ? sorted[k] : (sorted[k - 1] + sorted[k]) / 2;
}

/**
 * The summary at one temperature with Monte Carlo valleys attached, and its phase decided by the
 * Hessian and the valleys: exact TAP solutions of a random net are too rare at finite N to count a
 * glass (see the header and valleys.ts), sampled valleys are not. Below T_c: hiddenOrder when the
 * Hessian says ordered and one valley holds the copies; glass when the Hessian says glass and the
 * copies scatter over several valleys; otherwise undetermined (the two disagree — e.g. a small
 * random net whose top eigenvector already collects every copy). The TAP solutions stay reported.
 */
export function withValleys(summary: TapTemperatureSummary, valleys: ValleyReport): TapTemperatureSummary {
  const phase: TapPhase =
    summary.hessian === 'paramagnet'
      ? 'paramagnet'
      : summary.hessian === 'ordered'
        ? valleys.verdict === 'hiddenOrder'
          ? 'hiddenOrder'
          : 'undetermined'
        : valleys.verdict === 'glass'
          ? 'glass'
          : 'undetermined';
  return { ...summary, phase, valleys };
}
