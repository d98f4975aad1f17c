/**
 * The phase diagram over (checkpoint, T) (science.md §5.5): paramagnet above T_c(t); below it glass
 * or hidden order, from the Hessian criterion and the TAP solutions (tapAnalysis.ts holds the rule).
 * A pure function: checkpoints and a temperature grid in, a JSON-serialisable diagram out.
 *
 * Saved shape (`spinscope.phaseDiagram/1`), what the UI reads:
 * ```
 * { schema: 'spinscope.phaseDiagram/1',
 *   grid: { kind: 'absolute', values: [T, …] }            // the same T for every checkpoint, or
 *       | { kind: 'relative', values: [T/T_c, …] },       // fractions of each checkpoint's own T_c
 *   checkpoints: [                                         // in the order given (callers sort by step)
 *     { step, spins, layers: [N_0, …, N_L],
 *       tc, hessianPhase: 'glass' | 'ordered', minLambda, replicaTc, topEigenvalue,
 *       cells: [                                           // one per grid value, by decreasing T
 *         { T, relativeT, phase: 'paramagnet' | 'glass' | 'hiddenOrder' | 'undetermined',
 *           hessian, solutions, starts, converged, dominantShare,
 *           clusters: [{ size, plus, minus, paramagnet, q, layerQ, overlapTop, overlapCritical,
 *                        plefka, betaFPerSpin, freeEnergyPerSpin, residual, … }],
 *           unconverged: { count, distinct, residual }, iterations, rollbacks } ] } ],
 *   settings: { starts, seed, startAmplitude, threshold, tolerance, maxIterations, annealFrom (× T_c), dominance },
 *   seconds, warnings: [string] }
 * ```
 * Each cell is a TapTemperatureSummary (tapAnalysis.ts documents every field).
 */
import type { Network } from '../network/network.ts';
import { CancelledError } from '../util/cancel.ts';
import type { BondMatrix } from './bondMatrix.ts';
import type { Phase } from './criticalTemperature.ts';
import {
  analyzeTapSolutions,
  resolveTapSettings,
  type TapAnalysisOptions,
  type TapSettings,
  type TapTemperatureSummary,
  type TemperatureChoice,
} from './tapAnalysis.ts';

export const PHASE_DIAGRAM_SCHEMA = 'spinscope.phaseDiagram/1';

/** One checkpoint: its training step and its weights (as a network or an already built bond matrix). */
export type PhaseDiagramCheckpoint = { step: number } & ({ network: Network } | { bond: BondMatrix });

export interface PhaseDiagramRow {
  step: number;
  spins: number;
  layers: number[];
  tc: number;
  hessianPhase: Phase;
  minLambda: number;
  replicaTc: number;
  topEigenvalue: number;
  /** By decreasing T. */
  cells: TapTemperatureSummary[];
}

export interface PhaseDiagram {
  schema: typeof PHASE_DIAGRAM_SCHEMA;
  grid: { kind: 'absolute' | 'relative'; values: number[] };
  checkpoints: PhaseDiagramRow[];
  settings: TapSettings;
  seconds: number;
  warnings: string[];
}

export function phaseDiagram(
  checkpoints: readonly PhaseDiagramCheckpoint[],
  grid: TemperatureChoice,
  opts: TapAnalysisOptions = {},
): PhaseDiagram {
  if (checkpoints.length === 0) throw new RangeError('phase diagram: no checkpoint given');
  const values = 'temperatures' in grid ? [...grid.temperatures] : [...grid.fractionsOfTc];
  if (values.length === 0) throw new RangeError('phase diagram: the temperature grid is empty');
  const settings = resolveTapSettings(opts);
  const started = performance.now();
  const warnings: string[] = [];
  const rows: PhaseDiagramRow[] = checkpoints.map((cp, k) => {
    if (opts.signal?.aborted) throw new CancelledError();
    const source = 'bond' in cp ? cp.bond : cp.network;
    const { report } = analyzeTapSolutions(source, grid, {
      ...opts,
      onProgress: (f, msg) =>
        opts.onProgress?.(
          (k + f) / checkpoints.length,
          `step ${cp.step} (${k + 1}/${checkpoints.length}): ${msg}`,
        ),
    });
    warnings.push(...report.warnings.map((w) => `step ${cp.step}: ${w}`));
    return {
      step: cp.step,
      spins: report.model.spins,
      layers: report.model.layers,
      tc: report.tc,
      hessianPhase: report.hessianPhase,
      minLambda: report.minLambda,
      replicaTc: report.replicaTc,
      topEigenvalue: report.topEigenvalue,
      cells: report.temperatures,
    };
  });
  return {
    schema: PHASE_DIAGRAM_SCHEMA,
    grid: { kind: 'temperatures' in grid ? 'absolute' : 'relative', values },
    checkpoints: rows,
    settings,
    seconds: (performance.now() - started) / 1000,
    warnings,
  };
}
