/**
 * The Monte Carlo report (`spinscope montecarlo --json`, the `montecarlo` job's result): settings,
 * observables per temperature with error bars and autocorrelation times, swap acceptances, T_c
 * estimates next to the TAP and replica ones, warnings. It holds no timings, so the same model,
 * settings and seed give byte-identical JSON.
 */
import type { PeakEstimate } from './criticalPoint.ts';
import type { FieldBackendName } from './localFields.ts';
import type { TemperatureSummary } from './observables.ts';
import type { UpdateRule } from './spinUpdates.ts';

export const MONTECARLO_SCHEMA = 'spinscope.montecarlo/1';

export class MonteCarloError extends Error {
  override name = 'MonteCarloError';
}

export interface MonteCarloSettings {
  /** Ends of the ladder (temperatures T). */
  tMin: number;
  tMax: number;
  temperatures: number;
  ladder: 'geometric' | 'adaptive';
  /** Measured sweeps, after `thermalize` unmeasured ones. */
  sweeps: number;
  thermalize: number;
  seed: number;
  update: UpdateRule;
  replicasPerTemperature: 2;
  backend: FieldBackendName;
  /** onnxruntime intra-op threads (the `js` backend always runs on one). */
  threads: number;
  blocks: number;
  overlapBins: { min: -1; max: 1; count: number };
  /** What the projection m = v·σ/√N projects on. */
  direction: 'top eigenvector of J' | 'given';
}

export interface MonteCarloReport {
  schema: typeof MONTECARLO_SCHEMA;
  model: { layers: number[]; spins: number; couplings: number };
  settings: MonteCarloSettings;
  /** Largest eigenvalue of J (when the direction is its eigenvector). */
  topEigenvalue: number | null;
  /** One entry per ladder slot, ascending T (the final ladder when adaptive). */
  temperatures: TemperatureSummary[];
  /** Swap acceptance between neighbouring slots during the measured sweeps. */
  swaps: { T: [number, number]; acceptance: number }[];
  tc: {
    /** The Monte Carlo estimate: the projection-susceptibility peak (null if it is at a ladder end). */
    estimate: number | null;
    projectionSusceptibilityPeak: PeakEstimate | null;
    specificHeatPeak: PeakEstimate | null;
    /** TAP T_c and phase of the same network (science.md §3), for comparison. */
    tap: { tc: number; phase: string } | null;
    /** Replica (layered SK) T_c from the weights' variances (science.md §2). */
    replica: number | null;
  };
  warnings: string[];
}

/** How fast the run went (not part of the report, which must be reproducible). */
export interface MonteCarloTiming {
  /** Wall-clock seconds of the sweeps (thermalization and measurement). */
  seconds: number;
  /**
   * CPU seconds (user + system, all threads of the process) over the same span: on a machine
   * shared with other work, what one free core would take.
   */
  cpuSeconds: number;
  /** Single-spin updates done: (thermalize + sweeps) × copies × N. */
  spinUpdates: number;
  spinUpdatesPerSecond: number;
}
