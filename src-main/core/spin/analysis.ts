/**
 * The analysis report of one network (architecture.md, contract 4): the spin model's size, the
 * replica prediction, the TAP critical temperature and phase, and the top of the bond spectrum.
 */
import { couplingCount, layerWidths, NetworkError, spinCount, type Network } from '../network/network.ts';
import { BondMatrix } from './bondMatrix.ts';
import { tapCriticalTemperature, type Phase } from './criticalTemperature.ts';
import { couplingStrengths, replicaCriticalTemperature } from './replica.ts';
import { topEigenvalues } from './spectrum.ts';

export const ANALYSIS_SCHEMA = 'spinscope.analysis/1';

export interface AnalysisReport {
  schema: typeof ANALYSIS_SCHEMA;
  model: { layers: number[]; spins: number; couplings: number };
  replica: { C: number[]; tc: number };
  tap: {
    tc: number;
    phase: Phase;
    minLambda: number;
    /** Extra fields (contract 4 allows additions). */
    argminT: number;
    scan: { tMin: number; epsilon: number; evaluations: number; matvecs: number };
    /** The evaluated λ_min(T) points, by increasing T. */
    curve: { T: number[]; lambda: number[] };
  };
  spectrum: { top: number[] };
  warnings: string[];
}

export interface AnalyzeOptions {
  /** Lowest temperature of the scan; default T_replica/4 (β_max = 4/T_replica, as the reference). */
  tMin?: number;
  /** Ordered if min λ_min < −epsilon (default 0). */
  epsilon?: number;
  /** How many top eigenvalues of J (default 10). */
  spectrumCount?: number;
  onProgress?: (fraction: number, message: string) => void;
  signal?: AbortSignal;
}

export function analyzeNetwork(net: Network, opts: AnalyzeOptions = {}): AnalysisReport {
  const warnings: string[] = [];
  if (net.layers.some((l) => l.bias && l.bias.some((b) => b !== 0))) {
    warnings.push(
      'biases are ignored: they would act as fields and break the σ → −σ symmetry (science.md §1)',
    );
  }
  const bond = BondMatrix.fromNetwork(net);
  const widths = layerWidths(net);
  const C = couplingStrengths(bond);
  if (C.every((c) => c === 0)) {
    throw new NetworkError(
      'every weight is zero: the spin model has no couplings and no transition (is this an empty or untrained-and-zeroed checkpoint?)',
    );
  }
  const replicaTc = replicaCriticalTemperature(widths, C);
  const report = (f: number, msg: string): void => opts.onProgress?.(f, msg);

  report(0, 'spectrum of J');
  const spectrum = topEigenvalues(bond, Math.min(opts.spectrumCount ?? 10, bond.size));
  report(0.15, 'TAP Hessian scan');
  const tMin = opts.tMin ?? replicaTc / 4;
  const epsilon = opts.epsilon ?? 0;
  const tap = tapCriticalTemperature(bond, {
    betaMax: 1 / tMin,
    epsilon,
    signal: opts.signal,
    onProgress: (f, msg) => report(0.15 + 0.85 * f, msg),
  });
  warnings.push(...tap.warnings);
  report(1, 'done');
  const curve = [...tap.curve].filter((p) => p.beta > 0).reverse();
  return {
    schema: ANALYSIS_SCHEMA,
    model: { layers: widths, spins: spinCount(net), couplings: couplingCount(net) },
    replica: { C, tc: replicaTc },
    tap: {
      tc: tap.tc,
      phase: tap.phase,
      minLambda: tap.minLambda,
      argminT: 1 / tap.argminBeta,
      scan: { tMin, epsilon, evaluations: tap.evaluations, matvecs: tap.matvecs },
      curve: { T: curve.map((p) => 1 / p.beta), lambda: curve.map((p) => p.lambda) },
    },
    spectrum: { top: spectrum.values },
    warnings,
  };
}
